// The digest of what decides the findings: every rule definition, the secret detectors and the OpenAPI reading
// (its rules live beside the parser and the name classifiers they read), by path and
// content. ENGINE_VERSION keys the LLM cache, so it must change whenever this digest does; the version test
// checks that, and `npm run engine:bump` (scripts/bump.mjs) does the bump.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const engineDir = fileURLToPath(new URL("..", import.meta.url));
export const lockPath = join(engineDir, "test/rules.lock.json");

function sources(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? sources(full) : [full];
    });
}

/** @returns {string} */
export function rulesDigest() {
  const src = join(engineDir, "src");
  const hash = createHash("sha256");
  for (const file of sources(src)) {
    const path = relative(src, file).split("\\").join("/");
    if (!/(^|\/)rules(\/|\.ts$)|^secrets\/|^aws\/rules\/|^openapi\//.test(path) || !path.endsWith(".ts")) continue;
    hash.update(`${path}\0${readFileSync(file, "utf8").replace(/\r\n/g, "\n")}\0`);
  }
  return hash.digest("hex");
}
