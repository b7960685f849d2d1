-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "currentAnalysisId" UUID;

-- AddForeignKey
ALTER TABLE "Template" ADD CONSTRAINT "Template_currentAnalysisId_fkey" FOREIGN KEY ("currentAnalysisId") REFERENCES "Analysis"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Backfill: each template's latest finished analysis, as the query the pointer replaces ranked them.
UPDATE "Template" t SET "currentAnalysisId" = latest.id
FROM (
  SELECT DISTINCT ON (tv."templateId") tv."templateId", a.id
  FROM "Analysis" a JOIN "TemplateVersion" tv ON tv.id = a."templateVersionId"
  WHERE a.status IN ('succeeded', 'partial')
  ORDER BY tv."templateId", a."finishedAt" DESC NULLS LAST, a.id DESC
) latest
WHERE t.id = latest."templateId";
