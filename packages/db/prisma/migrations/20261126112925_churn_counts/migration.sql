-- AlterTable
ALTER TABLE "Analysis" ADD COLUMN     "newThreatCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "resolvedThreatCount" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Analysis_projectId_finishedAt_idx" ON "Analysis"("projectId", "finishedAt");

