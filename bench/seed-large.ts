// Seeds a database with a large history: 50 projects, 10,000 analyses and 100,000 threats (plus their templates,
// versions, batches and risk snapshots) over the last 90 days, in a few set-based SQL statements.
//   node --import tsx bench/seed-large.ts <database-url>            (the database must be migrated)
import { readFileSync } from "node:fs";
import pg from "pg";

export interface SeedOptions {
  projects: number;
  /** Templates per project. */
  templates: number;
  /** Analyses per template (one template version each). */
  versions: number;
  /** Threats per analysis. */
  threats: number;
  /** History spread over this many days, ending now. */
  days: number;
}

export const LARGE: SeedOptions = { projects: 50, templates: 20, versions: 10, threats: 10, days: 90 };

export interface SeedResult {
  projects: number;
  analyses: number;
  threats: number;
  seconds: number;
}

/**
 * Bulk-inserts the history into the default team (the team the API's bootstrap administrator belongs to).
 * Everything is generated in SQL (generate_series), so 100,000 threats take seconds, not minutes.
 */
/** The backfill part of the dashboard_aggregates migration (between its "-- Backfill" comment and its COMMIT). */
function aggregatesBackfill(): string {
  const sql = readFileSync(
    new URL("../packages/db/prisma/migrations/20261203070833_dashboard_aggregates/migration.sql", import.meta.url),
    "utf8",
  );
  const from = sql.indexOf("-- Backfill");
  const to = sql.lastIndexOf("COMMIT;");
  if (from < 0 || to < from) throw new Error("dashboard_aggregates migration: backfill section not found");
  return sql.slice(from, to);
}

export async function seedLarge(databaseUrl: string, o: SeedOptions = LARGE): Promise<SeedResult> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const team = await client.query<{ id: string }>(
      `INSERT INTO "Team" (id, name) VALUES (gen_random_uuid(), 'Default') ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    );
    const teamId = team.rows[0]!.id;
    const span = `${o.days} days`;
    await client.query(
      `INSERT INTO "Project" (id, "teamId", name, description, "createdAt", "updatedAt", "riskScore", "threatCount", "lastAnalyzedAt")
       SELECT gen_random_uuid(), $1::uuid, 'bench-' || lpad(p::text, 3, '0'), 'seeded', now() - $2::interval, now(), 0, 0, now()
       FROM generate_series(1, $3::int) p`,
      [teamId, span, o.projects],
    );
    await client.query(
      `INSERT INTO "Template" (id, "projectId", path, "createdAt")
       SELECT gen_random_uuid(), pr.id, 'stacks/t-' || lpad(t::text, 3, '0') || '.yaml', pr."createdAt"
       FROM "Project" pr CROSS JOIN generate_series(1, $1::int) t WHERE pr.name LIKE 'bench-%'`,
      [o.templates],
    );
    // One blob per (template, version): small CloudFormation text, distinct by hash.
    await client.query(
      `CREATE TEMP TABLE seed_tv ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, tp.id AS "templateId", tp."projectId", tp.path, v,
              md5(tp.id::text || v::text) || md5(v::text || tp.id::text) AS sha256,
              now() - $2::interval + (($2::interval) * ((v - 1)::float / $1::int + random() / $1::int)) AS at
       FROM "Template" tp JOIN "Project" pr ON pr.id = tp."projectId" AND pr.name LIKE 'bench-%'
       CROSS JOIN generate_series(1, $1::int) v`,
      [o.versions, span],
    );
    await client.query(
      `INSERT INTO "Blob" (sha256, content, size, "createdAt")
       SELECT sha256, 'AWSTemplateFormatVersion: "2010-09-09"' || E'\\n# ' || path || ' v' || v || E'\\nResources:\\n  Bucket:\\n    Type: AWS::S3::Bucket\\n', 90, at FROM seed_tv`,
    );
    await client.query(
      `INSERT INTO "TemplateVersion" (id, "templateId", sha256, "createdAt") SELECT id, "templateId", sha256, at FROM seed_tv`,
    );
    // One batch per (project, version round): each batch holds every template of the project once.
    await client.query(
      `CREATE TEMP TABLE seed_batch ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, "projectId", v, min(at) AS at, count(*) AS n FROM seed_tv GROUP BY "projectId", v`,
    );
    await client.query(
      `INSERT INTO "Batch" (id, "projectId", source, "fileCount", "createdAt") SELECT id, "projectId", 'api', n, at FROM seed_batch`,
    );
    await client.query(
      `CREATE TEMP TABLE seed_an ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, tv."projectId", b.id AS "batchId", tv.id AS "templateVersionId", tv.at,
              CASE WHEN random() < 0.05 THEN 'partial' ELSE 'succeeded' END::"AnalysisStatus" AS status,
              (random() * 50)::float AS risk
       FROM seed_tv tv JOIN seed_batch b ON b."projectId" = tv."projectId" AND b.v = tv.v`,
    );
    await client.query(
      `INSERT INTO "Analysis" (id, "projectId", "batchId", "templateVersionId", status, format, "resourceCount", "engineVersion", provider,
                               attempts, "createdAt", "startedAt", "finishedAt", "durationMs", "inputTokens", "outputTokens", "costUsd",
                               "threatCount", "riskScore", "severityCounts", "errorCode")
       SELECT id, "projectId", "batchId", "templateVersionId", status, 'cloudformation', 3, 'bench', 'bedrock',
              1, at, at, at + interval '5 seconds', 5000, 3000, 800, 0.021, $1::int, risk,
              jsonb_build_object('critical', 1, 'high', 2, 'medium', 3, 'low', 2, 'info', 2),
              CASE WHEN status = 'partial' THEN 'llm/unavailable' END
       FROM seed_an`,
      [o.threats],
    );
    const categories = [
      "Spoofing",
      "Tampering",
      "Repudiation",
      "InformationDisclosure",
      "DenialOfService",
      "ElevationOfPrivilege",
    ];
    const severities = ["critical", "high", "high", "medium", "medium", "medium", "low", "low", "info", "info"];
    await client.query(
      `INSERT INTO "Threat" (id, "analysisId", "projectId", fingerprint, "ruleId", category, title, description, severity, likelihood, impact, score,
                             resources, evidence, remediations, "references", source, "createdAt")
       SELECT gen_random_uuid(), a.id, a."projectId", md5(tv."templateId"::text || k::text), 'RULE-' || k,
              ($2::text[])[1 + k % 6]::"StrideCategory", 'Seeded threat ' || k, 'A seeded threat for load tests.',
              ($3::text[])[1 + (k - 1) % 10]::"Severity", 1 + k % 5, 1 + (k * 3) % 5, (1 + k % 5) * (1 + (k * 3) % 5),
              jsonb_build_array(jsonb_build_object('id', 'Bucket', 'type', 'AWS::S3::Bucket', 'file', tv.path, 'line', 4)),
              jsonb_build_array(jsonb_build_object('file', tv.path, 'line', 4, 'text', 'Type: AWS::S3::Bucket')),
              jsonb_build_array(jsonb_build_object('text', 'Block public access.')),
              '{"cwe": ["CWE-284"], "capec": [], "attack": []}'::jsonb,
              CASE WHEN k % 3 = 0 THEN 'rule+llm' ELSE 'rule' END, a.at
       FROM seed_an a JOIN seed_tv tv ON tv.id = a."templateVersionId" CROSS JOIN generate_series(1, $1::int) k`,
      [o.threats, categories, severities],
    );
    await client.query(
      `INSERT INTO "RiskSnapshot" (id, "projectId", "analysisId", at, "riskScore", "threatCount", "severityCounts")
       SELECT gen_random_uuid(), "projectId", id, at + interval '5 seconds',
              sum(risk) OVER (PARTITION BY "projectId" ORDER BY at) / 10, $1::int * $2::int,
              jsonb_build_object('critical', 20, 'high', 40, 'medium', 60, 'low', 40, 'info', 40)
       FROM seed_an`,
      [o.templates, o.threats],
    );
    await client.query(
      `UPDATE "Project" p SET "riskScore" = s."riskScore", "threatCount" = s."threatCount", "lastAnalyzedAt" = s.at
       FROM (SELECT DISTINCT ON ("projectId") "projectId", "riskScore", "threatCount", at FROM "RiskSnapshot" ORDER BY "projectId", at DESC) s
       WHERE s."projectId" = p.id`,
    );
    // Each template's current analysis, as the worker keeps it (refreshProjectRisk).
    await client.query(
      `UPDATE "Template" t SET "currentAnalysisId" = latest.id
       FROM (SELECT DISTINCT ON (tv."templateId") tv."templateId", a.id
             FROM "Analysis" a JOIN "TemplateVersion" tv ON tv.id = a."templateVersionId"
             WHERE a.status IN ('succeeded', 'partial')
             ORDER BY tv."templateId", a."finishedAt" DESC NULLS LAST, a.id DESC) latest
       WHERE t.id = latest."templateId"`,
    );
    // The dashboard's aggregates (open current threats per category and severity, each project's riskiest
    // resources, the closing risk of each day), filled by the very statements the migration backfills them with;
    // refreshProjectRisk keeps them afterwards.
    await client.query(aggregatesBackfill());
    await client.query("COMMIT");
    // VACUUM, not only ANALYZE: freshly bulk-loaded rows have no visibility map, so index-only scans fall back to
    // the heap (the weekly-churn query ran 10× slower before it). Production tables get this from autovacuum.
    await client.query("VACUUM ANALYZE");
    const counts = await client.query<{ p: string; a: string; t: string }>(
      `SELECT (SELECT count(*) FROM "Project") AS p, (SELECT count(*) FROM "Analysis") AS a, (SELECT count(*) FROM "Threat") AS t`,
    );
    const row = counts.rows[0]!;
    return {
      projects: Number(row.p),
      analyses: Number(row.a),
      threats: Number(row.t),
      seconds: (Date.now() - started) / 1_000,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write("usage: node --import tsx bench/seed-large.ts <database-url>\n");
    process.exit(64);
  }
  const result = await seedLarge(url);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
