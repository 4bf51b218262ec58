-- AlterTable
ALTER TABLE "User" ADD COLUMN     "spendCapMicros" BIGINT;
