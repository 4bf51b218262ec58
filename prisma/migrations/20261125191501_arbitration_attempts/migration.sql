-- CreateTable
CREATE TABLE "ArbitrationAttempt" (
    "id" UUID NOT NULL,
    "conflictId" UUID NOT NULL,
    "strategy" TEXT NOT NULL,
    "provider" TEXT,
    "model" TEXT,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArbitrationAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ArbitrationAttempt_conflictId_createdAt_idx" ON "ArbitrationAttempt"("conflictId", "createdAt");

-- AddForeignKey
ALTER TABLE "ArbitrationAttempt" ADD CONSTRAINT "ArbitrationAttempt_conflictId_fkey" FOREIGN KEY ("conflictId") REFERENCES "Conflict"("id") ON DELETE CASCADE ON UPDATE CASCADE;

