import { createHash } from "node:crypto";
import { AppError, countBySeverity, riskScore, type Threat } from "@threatline/domain";
import { type Db, refreshProjectRisk, threatRows } from "@threatline/db";
import { ENGINE_VERSION } from "@threatline/engine";
import { importThreats, type ImportFormat } from "@threatline/reports";
import type { Actor } from "../auth/context.ts";
import { getProjectFor } from "./projects.service.ts";

export interface ImportOutcome {
  analysisId: string;
  batchId: string;
  templateVersionId: string;
  path: string;
  format: ImportFormat;
  threatCount: number;
  warnings: string[];
}

/** A file name safe as the last segment of a template path, with the extension of what was imported. */
function safeName(filename: string | undefined, now: Date, extension: "json" | "md"): string {
  const base = (filename ?? "")
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(json|md|markdown|txt)$/i, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, 100);
  return `${base || `import-${now.toISOString().replace(/[:.]/g, "-")}`}.${extension}`;
}

/**
 * Imports a threat model from another tool (prototype JSON, Threat Composer, Threat Dragon v2, OTM, STRIDE GPT JSON
 * or Markdown) into a project as a finished analysis with
 * provider `import`. The imported document is stored as the content of a synthetic template
 * `imports/<name>.json`, so the analysis has a template version like any other and re-importing the same
 * document lands on the same version. Threat Composer's resolved statuses become triage decisions unless the
 * project already decided about those fingerprints.
 */
export async function importIntoProject(
  db: Db,
  actor: Actor,
  projectId: string,
  document: unknown,
  options: { filename?: string; now: Date },
): Promise<ImportOutcome> {
  const project = await getProjectFor(db, actor, projectId, "editor");
  const text = typeof document === "string";
  const path = `imports/${safeName(options.filename, options.now, text ? "md" : "json")}`;
  const result = importThreats(document, { sourceName: path });
  if (result.threats.length === 0) throw new AppError("import/invalid", "The document holds no threats to import.");
  const content = text ? document : `${JSON.stringify(document, null, 2)}\n`;
  const sha256 = createHash("sha256").update(content, "utf8").digest("hex");
  const threats: Threat[] = result.threats;

  return db.$transaction(
    async (tx) => {
      await tx.blob.createMany({
        data: [{ sha256, content, size: Buffer.byteLength(content, "utf8") }],
        skipDuplicates: true,
      });
      const template = await tx.template.upsert({
        where: { projectId_path: { projectId: project.id, path } },
        create: { projectId: project.id, path },
        update: {},
      });
      const version = await tx.templateVersion.upsert({
        where: { templateId_sha256: { templateId: template.id, sha256 } },
        create: { templateId: template.id, sha256 },
        update: {},
      });
      const batch = await tx.batch.create({
        data: { projectId: project.id, createdById: actor.userId, source: "import", fileCount: 1 },
      });
      const analysis = await tx.analysis.create({
        data: {
          projectId: project.id,
          batchId: batch.id,
          templateVersionId: version.id,
          status: "succeeded",
          engineVersion: ENGINE_VERSION,
          provider: "import",
          startedAt: options.now,
          finishedAt: options.now,
          durationMs: 0,
          threatCount: threats.length,
          riskScore: riskScore(threats),
          severityCounts: countBySeverity(threats),
        },
      });
      await tx.threat.createMany({ data: threatRows(threats, analysis.id, project.id) });
      const decisions = Object.entries(result.triage);
      if (decisions.length > 0) {
        await tx.triage.createMany({
          data: decisions.map(([fingerprint, d]) => ({
            projectId: project.id,
            fingerprint,
            status: d.status,
            owner: d.owner,
            expiresAt: d.expiresAt ? new Date(d.expiresAt) : null,
            note: d.note,
            updatedById: actor.userId,
          })),
          skipDuplicates: true,
        });
      }
      await refreshProjectRisk(tx, project.id, analysis.id);
      return {
        analysisId: analysis.id,
        batchId: batch.id,
        templateVersionId: version.id,
        path,
        format: result.format,
        threatCount: threats.length,
        warnings: result.warnings,
      };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
