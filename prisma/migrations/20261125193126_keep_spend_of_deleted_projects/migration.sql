-- DropForeignKey
ALTER TABLE "CostLedgerEntry" DROP CONSTRAINT "CostLedgerEntry_projectId_fkey";

-- AlterTable
ALTER TABLE "CostLedgerEntry" ALTER COLUMN "projectId" DROP NOT NULL;

-- AddForeignKey
ALTER TABLE "CostLedgerEntry" ADD CONSTRAINT "CostLedgerEntry_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE SET NULL ON UPDATE CASCADE;

