// Shared by the root scripts: run a command, and build what is missing.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) {
    process.stderr.write(`\n${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
}

/** Newest modification time under a folder (skipping dependencies and outputs). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Generates the Prisma client when it is missing or older than the schema. */
export function ensurePrismaClient() {
  const client = join(root, "packages/db/src/generated/client.ts");
  const schema = join(root, "packages/db/prisma/schema.prisma");
  if (!existsSync(client) || statSync(client).mtimeMs < statSync(schema).mtimeMs) {
    console.log("Generating the database client…");
    run(process.execPath, ["packages/db/scripts/prisma.mjs", "generate"], { stdio: ["ignore", "ignore", "inherit"] });
  }
}

/** Builds the SPA when it has no build or its sources (or the shared packages it imports) changed since. */
export function ensureWebBuild() {
  const web = join(root, "apps/web");
  if (!existsSync(join(web, "index.html"))) return;
  const built = join(web, "dist/index.html");
  const sources = Math.max(
    newest(join(web, "src")),
    newest(join(root, "packages/domain/src")),
    newest(join(root, "packages/reports/src")),
  );
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    console.log("Building the web app…");
    run("npm", ["run", "build", "-w", "@threatline/web"]);
  }
}
