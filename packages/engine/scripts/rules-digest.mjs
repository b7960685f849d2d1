// The digest of everything that decides what an analysis finds, by path and content:
// - every source file under packages/engine/src: the parsers (formats, CloudFormation, Terraform, Kubernetes,
//   OpenAPI), the normalised AWS kinds and their facts, the graph, the rules, overlaps and fixes, the secret
//   detectors and redaction, suppressions, team rules, and the compacted graph the LLM reads;
// - the domain code the engine runs to rate and label a threat (packages/domain/src/severity.ts, stride.ts);
// - the resolved versions of the parsing libraries the engine depends on (root package-lock.json).
// Not scripts, tests or docs. A file that changes no output (an export list, a comment) still bumps the version:
// a needless bump costs one LLM cache miss per template, a missed one serves answers given for other findings.
// ENGINE_VERSION keys the LLM cache and the stored analyses, so it must change whenever this digest does; the
// version test checks that, and `npm run engine:bump` (scripts/bump.mjs) does the bump.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const engineDir = fileURLToPath(new URL("..", import.meta.url));
export const lockPath = join(engineDir, "test/rules.lock.json");
const repoDir = join(engineDir, "../..");

/** The domain files the engine calls at run time to score and label threats. */
export const DOMAIN_SOURCES = ["packages/domain/src/severity.ts", "packages/domain/src/stride.ts"];

function sources(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? sources(full) : [full];
    });
}

/** Repository-relative paths of every file the digest reads, in digest order. */
export function digestSources() {
  const engineSources = sources(join(engineDir, "src")).filter((file) => file.endsWith(".ts"));
  return [...engineSources.map((file) => relative(repoDir, file).split("\\").join("/")), ...DOMAIN_SOURCES];
}

/** @returns {string} */
export function rulesDigest() {
  const hash = createHash("sha256");
  for (const path of digestSources()) {
    hash.update(`${path}\0${readFileSync(join(repoDir, path), "utf8").replace(/\r\n/g, "\n")}\0`);
  }
  const pkg = JSON.parse(readFileSync(join(engineDir, "package.json"), "utf8"));
  const lock = JSON.parse(readFileSync(join(repoDir, "package-lock.json"), "utf8"));
  for (const name of Object.keys(pkg.dependencies ?? {}).sort()) {
    if (name.startsWith("@threatline/")) continue;
    hash.update(`${name}@${lock.packages[`node_modules/${name}`]?.version ?? "?"}\0`);
  }
  return hash.digest("hex");
}
