-- AlterTable
ALTER TABLE "Threat" ADD COLUMN     "contributingRules" JSONB NOT NULL DEFAULT '[]';

