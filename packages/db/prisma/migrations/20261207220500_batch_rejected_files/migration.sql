-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "rejectedFiles" JSONB NOT NULL DEFAULT '[]';

