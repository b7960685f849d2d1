#!/usr/bin/env node
// Writes the next migration as the SQL difference between the schema at HEAD (or nothing, for the first
// migration) and the working-tree schema. `prisma migrate dev` cannot run on these machines (its
// introspection fails on PostgreSQL 15 through the WebAssembly engine); `migrate diff` needs no database.
//
//   npm run db:new-migration -- <name>
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(2);
}
const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const migrationsDir = join(pkgDir, "prisma", "migrations");
const hasMigrations = existsSync(migrationsDir) && readdirSync(migrationsDir).some((d) => /^\d{14}_/.test(d));

let from = ["--from-empty"];
if (hasMigrations) {
  const previous = execFileSync("git", ["show", "HEAD:packages/db/prisma/schema.prisma"], {
    cwd: pkgDir,
    encoding: "utf8",
  });
  const tmp = join(mkdtempSync(join(tmpdir(), "threatline-schema-")), "schema.prisma");
  writeFileSync(tmp, previous);
  from = ["--from-schema-datamodel", tmp];
}
// The WebAssembly schema engine opens its adapter even for a diff, so it needs a database it can reach.
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
};
const diff = spawnSync(
  process.execPath,
  [
    join(pkgDir, "scripts", "prisma.mjs"),
    "migrate",
    "diff",
    ...from,
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { cwd: pkgDir, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (diff.status !== 0) process.exit(diff.status ?? 1);
if (!/\b(CREATE|ALTER|DROP)\b/.test(diff.stdout)) {
  console.error("The schema did not change: no migration written.");
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "migration.sql"), diff.stdout);
if (!existsSync(join(migrationsDir, "migration_lock.toml"))) {
  writeFileSync(join(migrationsDir, "migration_lock.toml"), 'provider = "postgresql"\n');
}
console.log(`Wrote ${dir}/migration.sql`);
