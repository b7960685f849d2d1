import { z } from "zod";
import { ScanReportSchema } from "@threatline/domain";
import { fullReportJsonSchema } from "./report.ts";

/** JSON Schemas published under docs/schemas, by file name. A test keeps the committed files up to date. */
export const PUBLISHED_SCHEMAS: Record<string, () => Record<string, unknown>> = {
  "threatline-report.v1.schema.json": fullReportJsonSchema,
  /** `threatline scan --format json`: the contract CI pipelines read. */
  "threatline-scan-report.v1.schema.json": () =>
    z.toJSONSchema(
      ScanReportSchema.meta({
        $id: "https://threatline.dev/schemas/threatline-scan-report.v1.schema.json",
        title: "Threatline scan report",
        description:
          "The output of `threatline scan --format json`: the files scanned, their STRIDE threats with evidence, and a summary.",
      }),
      { io: "output" },
    ),
};
