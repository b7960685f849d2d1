// Regenerates the published JSON Schemas from their zod sources: npx tsx packages/reports/test/write-schemas.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PUBLISHED_SCHEMAS } from "../src/schemas.ts";

for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
  const target = fileURLToPath(new URL(`../../../docs/schemas/${name}`, import.meta.url));
  // Written plainly; the repository formatter may reflow it, and the test compares values, not bytes.
  writeFileSync(target, `${JSON.stringify(schema(), null, 2)}\n`);
  process.stdout.write(`wrote ${target}\n`);
}
