-- AlterTable
ALTER TABLE "AgentRun" ADD COLUMN     "modelSwitches" JSONB;

