-- AlterTable
ALTER TABLE "Analysis" ADD COLUMN     "warnings" JSONB NOT NULL DEFAULT '[]';

