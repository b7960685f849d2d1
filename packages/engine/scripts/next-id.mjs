#!/usr/bin/env node
// The next free rule id of a prefix: `npm run rule:next-id -- TL-AWS-RDS` prints TL-AWS-RDS-012 when the highest id
// of that prefix in packages/engine/src is TL-AWS-RDS-011, and the file an AWS rule of that prefix belongs in.
// Ids are never reused: a retired id still written anywhere under src (an overlap, a comment) counts as taken.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const engineDir = fileURLToPath(new URL("..", import.meta.url));

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/**
 * The next free id of `prefix` (`TL-AWS-RDS`, or a full id whose number is dropped) among the ids in `texts`.
 * @param {string} prefix
 * @param {readonly string[]} texts
 * @returns {string}
 */
export function nextId(prefix, texts) {
  const base = prefix.trim().toUpperCase().replace(/-\d+$/, "");
  if (!/^TL(-[A-Z0-9]+)+$/.test(base)) throw new Error(`not a rule id prefix: ${prefix} (for example TL-AWS-RDS)`);
  const pattern = new RegExp(`\\b${base}-(\\d+)\\b`, "g");
  let highest = 0;
  for (const text of texts) for (const m of text.matchAll(pattern)) highest = Math.max(highest, Number(m[1]));
  return `${base}-${String(highest + 1).padStart(3, "0")}`;
}

/** The file a rule of the id belongs in, for the AWS family (`TL-AWS-RDS-012` → aws/rules/rds.rules.ts). */
export function awsRuleFile(id) {
  if (!/^TL-(AWS-[A-Z0-9]+|COMBO|TF-HTTP)-\d+$/.test(id)) return undefined;
  const name = id
    .replace(/^TL-(AWS-)?/, "")
    .replace(/-\d+$/, "")
    .toLowerCase();
  return `packages/engine/src/aws/rules/${name}.rules.ts`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const prefix = process.argv[2];
  if (!prefix) {
    console.error("usage: npm run rule:next-id -- TL-AWS-RDS");
    process.exit(2);
  }
  const files = sources(join(engineDir, "src"));
  let id;
  try {
    id = nextId(
      prefix,
      files.map((f) => readFileSync(f, "utf8")),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const file = awsRuleFile(id);
  console.log(id);
  if (file)
    console.error(
      `  rule in ${file}, cases in ${file.replace("src/aws/rules/", "test/aws/cases/").replace(".rules.ts", ".cases.ts")}`,
    );
  if (id.endsWith("-001")) console.error(`  no rule has the prefix yet: a new service${file ? ", a new file" : ""}`);
}
