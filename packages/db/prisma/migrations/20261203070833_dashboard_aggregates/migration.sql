-- One transaction: the tables and their backfill land together or not at all.
BEGIN;

-- CreateTable
CREATE TABLE "ProjectThreatCell" (
    "projectId" UUID NOT NULL,
    "category" "StrideCategory" NOT NULL,
    "severity" "Severity" NOT NULL,
    "threatCount" INTEGER NOT NULL,
    "riskScore" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ProjectThreatCell_pkey" PRIMARY KEY ("projectId","category","severity")
);

-- CreateTable
CREATE TABLE "ProjectRiskyResource" (
    "projectId" UUID NOT NULL,
    "rank" INTEGER NOT NULL,
    "resourceId" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "threatCount" INTEGER NOT NULL,
    "riskScore" DOUBLE PRECISION NOT NULL,
    "worstSeverity" "Severity" NOT NULL,

    CONSTRAINT "ProjectRiskyResource_pkey" PRIMARY KEY ("projectId","rank")
);

-- CreateTable
CREATE TABLE "ProjectRiskDay" (
    "projectId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "riskScore" DOUBLE PRECISION NOT NULL,
    "threatCount" INTEGER NOT NULL,

    CONSTRAINT "ProjectRiskDay_pkey" PRIMARY KEY ("projectId","day")
);

-- AddForeignKey
ALTER TABLE "ProjectThreatCell" ADD CONSTRAINT "ProjectThreatCell_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectRiskyResource" ADD CONSTRAINT "ProjectRiskyResource_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectRiskDay" ADD CONSTRAINT "ProjectRiskDay_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill, as refreshProjectRisk (packages/db/src/risk.ts) computes each project's rows: the open current
-- threats are those of every template's current analysis, less accepted, mitigated and false-positive triage.
INSERT INTO "ProjectThreatCell" ("projectId", "category", "severity", "threatCount", "riskScore")
SELECT tp."projectId", t.category, t.severity, count(*), sum(t.score)
FROM "Template" tp JOIN "Threat" t ON t."analysisId" = tp."currentAnalysisId"
WHERE NOT EXISTS (
  SELECT 1 FROM "Triage" tr
  WHERE tr."projectId" = t."projectId" AND tr.fingerprint = t.fingerprint AND tr.status IN ('accepted', 'mitigated', 'false_positive')
)
GROUP BY 1, 2, 3;

INSERT INTO "ProjectRiskyResource" ("projectId", "rank", "resourceId", "resourceType", "file", "threatCount", "riskScore", "worstSeverity")
SELECT "projectId", "rank", id, type, file, n, score, worst FROM (
  SELECT g.*, row_number() OVER (PARTITION BY g."projectId" ORDER BY g.score DESC, g.n DESC, g.id, g.type, g.file) AS "rank"
  FROM (
    SELECT tp."projectId", coalesce(r->>'id', '') AS id, coalesce(r->>'type', '') AS type, coalesce(r->>'file', '') AS file,
           count(*)::int AS n, sum(t.score) AS score, min(t.severity) AS worst
    FROM "Template" tp JOIN "Threat" t ON t."analysisId" = tp."currentAnalysisId" CROSS JOIN LATERAL jsonb_array_elements(t.resources) r
    WHERE NOT EXISTS (
      SELECT 1 FROM "Triage" tr
      WHERE tr."projectId" = t."projectId" AND tr.fingerprint = t.fingerprint AND tr.status IN ('accepted', 'mitigated', 'false_positive')
    )
    GROUP BY 1, 2, 3, 4
  ) g
) ranked
WHERE "rank" <= 10;

-- The last snapshot of each UTC day ("at" holds UTC).
INSERT INTO "ProjectRiskDay" ("projectId", "day", "at", "riskScore", "threatCount")
SELECT DISTINCT ON (s."projectId", s.at::date) s."projectId", s.at::date, s.at, s."riskScore", s."threatCount"
FROM "RiskSnapshot" s
ORDER BY s."projectId", s.at::date, s.at DESC, s.id DESC;

COMMIT;
