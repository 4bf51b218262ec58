-- A project's spend is the sum of its cost ledger (src/economics/project-spend.ts). The counter
-- column equalled that sum (every ledger insert added to it in the same statement), so dropping it
-- loses nothing; keeping it meant every model call updated the project's row and waited on its lock.
-- AlterTable
ALTER TABLE "Project" DROP COLUMN "spentMicros";
