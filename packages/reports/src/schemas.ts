import { fullReportJsonSchema } from "./report.ts";

/** JSON Schemas published under docs/schemas, by file name. A test keeps the committed files up to date. */
export const PUBLISHED_SCHEMAS: Record<string, () => Record<string, unknown>> = {
  "threatline-report.v1.schema.json": fullReportJsonSchema,
};
