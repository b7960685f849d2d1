import { spawn } from "node:child_process";
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
