#!/usr/bin/env node
// Runs the Prisma CLI from this package. `prisma generate` and `migrate diff` need no database, but the
// schema's `env("DATABASE_URL")` must resolve, so a placeholder stands in when none is set.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env };
env.DATABASE_URL ??= "postgresql://placeholder@127.0.0.1:5432/placeholder";
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const result = spawnSync(
  process.execPath,
  [join(pkgDir, "..", "..", "node_modules", "prisma", "build", "index.js"), ...process.argv.slice(2)],
  {
    cwd: pkgDir,
    env,
    stdio: "inherit",
  },
);
process.exit(result.status ?? 1);
