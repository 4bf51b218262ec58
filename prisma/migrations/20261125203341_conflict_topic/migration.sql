-- AlterTable
ALTER TABLE "Conflict" ADD COLUMN     "topic" TEXT;

