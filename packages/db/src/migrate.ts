import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Applies pending migrations with `prisma migrate deploy` (Prisma's WebAssembly schema engine through
 * adapter-pg). Safe to call from several processes at once: Prisma takes an advisory lock.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const script = join(pkgDir, "scripts", "prisma.mjs");
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [script, "migrate", "deploy"], {
      cwd: pkgDir,
      env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d: Buffer) => output.push(d.toString()));
    child.stderr.on("data", (d: Buffer) => output.push(d.toString()));
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    throw new Error(`Database migration failed (exit ${code}):\n${output.join("").trim()}`);
  }
}

/**
 * Whether every migration in the package is already applied, read from Prisma's own bookkeeping table, so
 * that a restart skips the migration CLI (which takes seconds to start).
 */
export async function isUpToDate(db: { $queryRawUnsafe<T>(query: string): Promise<T> }): Promise<boolean> {
  const wanted = readdirSync(join(pkgDir, "prisma", "migrations")).filter((d) => /^\d{14}_/.test(d));
  try {
    const applied = await db.$queryRawUnsafe<Array<{ migration_name: string }>>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const names = new Set(applied.map((r) => r.migration_name));
    return wanted.every((m) => names.has(m));
  } catch {
    return false;
  }
}
