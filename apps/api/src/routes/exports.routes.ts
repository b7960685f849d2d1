import { Router, type Response } from "express";
import { z } from "zod";
import { IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import {
  analysisReport,
  batchReport,
  exportOptions,
  parseExportFormat,
  projectReport,
  renderExport,
} from "../services/exports.service.ts";
import { importIntoProject } from "../services/imports.service.ts";
import { audit } from "../services/audit.service.ts";
import type { ReportInput } from "@threatline/reports";

// The format is checked by the service so that an unknown one answers `export/unsupported-format`.
const exportQuery = { params: IdParamSchema, query: z.object({ format: z.string().max(40).optional() }) };
const importQuery = { params: IdParamSchema, query: z.object({ filename: z.string().max(255).optional() }) };

/** Exports are reads, but a whole threat model leaving the system is worth a trace. */
async function auditExport(db: ApiDeps["db"], res: Response, format: string, report: ReportInput): Promise<void> {
  await audit(
    { db, actor: actorOf(res) },
    "report.export",
    {
      type: report.scope.kind,
      id: "id" in report.scope ? report.scope.id : null,
      projectId: report.project?.id ?? undefined,
    },
    { format, threats: report.threats.length },
  );
}

function sendExport(res: Response, file: Awaited<ReturnType<typeof renderExport>>): void {
  res.setHeader("Content-Type", file.contentType);
  // exportFileName yields ASCII letters, digits, dots and dashes only: safe inside the quotes.
  res.setHeader("Content-Disposition", `attachment; filename="${file.filename}"`);
  res.setHeader("Cache-Control", "no-store");
  res.send(file.body);
}

/**
 * Exports of one analysis, one batch or a project's current state in every format of @threatline/reports,
 * as downloads; and imports of prototype JSON or Threat Composer documents into a project.
 */
export function exportRoutes({ db, config }: ApiDeps): Router {
  const router = Router();
  router.get("/analyses/:id/export", validate(exportQuery), async (_req, res) => {
    const { params, query } = input(res, exportQuery);
    const format = parseExportFormat(query.format);
    const report = await analysisReport(db, actorOf(res), params.id, new Date());
    await auditExport(db, res, format, report);
    sendExport(res, await renderExport(format, report, await exportOptions(db, format, report, config.RULE_DOCS_URL)));
  });
  router.get("/batches/:id/export", validate(exportQuery), async (_req, res) => {
    const { params, query } = input(res, exportQuery);
    const format = parseExportFormat(query.format);
    const report = await batchReport(db, actorOf(res), params.id, new Date());
    await auditExport(db, res, format, report);
    sendExport(res, await renderExport(format, report, await exportOptions(db, format, report, config.RULE_DOCS_URL)));
  });
  router.get("/projects/:id/export", validate(exportQuery), async (_req, res) => {
    const { params, query } = input(res, exportQuery);
    const format = parseExportFormat(query.format);
    const report = await projectReport(db, actorOf(res), params.id, new Date());
    await auditExport(db, res, format, report);
    sendExport(res, await renderExport(format, report, await exportOptions(db, format, report, config.RULE_DOCS_URL)));
  });
  router.post("/projects/:id/imports", validate(importQuery), async (req, res) => {
    const { params, query } = input(res, importQuery);
    // The body is the imported document itself (already parsed by express.json); its shape is checked by the importer.
    const body: unknown = req.body;
    const outcome = await importIntoProject(db, actorOf(res), params.id, body, {
      filename: query.filename,
      now: new Date(),
    });
    await audit(
      { db, actor: actorOf(res) },
      "analysis.import",
      { type: "analysis", id: outcome.analysisId, projectId: params.id },
      { format: outcome.format, path: outcome.path, threats: outcome.threatCount },
    );
    res.status(201).json(outcome);
  });
  return router;
}
