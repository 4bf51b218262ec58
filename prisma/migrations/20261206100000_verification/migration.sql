-- CreateEnum
CREATE TYPE "VerificationStatus" AS ENUM ('running', 'passed', 'failed', 'unverifiable');

-- AlterEnum
ALTER TYPE "ProjectStatus" ADD VALUE 'verification_failed' AFTER 'completed';

-- CreateTable
CREATE TABLE "Verification" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "runId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "status" "VerificationStatus" NOT NULL DEFAULT 'running',
    "profile" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "report" JSONB,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Verification_projectId_startedAt_idx" ON "Verification"("projectId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Verification_projectId_runId_round_key" ON "Verification"("projectId", "runId", "round");

-- AddForeignKey
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

