-- The cost ledger records prompt-cache reads and writes apart, and what caching saved per call.
-- AlterTable
ALTER TABLE "CostLedgerEntry" ADD COLUMN     "cacheReadTokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cacheSavingsMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0;

