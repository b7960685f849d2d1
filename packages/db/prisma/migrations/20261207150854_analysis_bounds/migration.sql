-- AlterTable
ALTER TABLE "Analysis" ADD COLUMN     "omittedSummary" JSONB,
ADD COLUMN     "omittedThreatCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "requeues" INTEGER NOT NULL DEFAULT 0;

