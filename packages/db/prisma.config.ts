import { PrismaPg } from "pg-adapter-migrate";
import { defineConfig } from "prisma/config";

/**
 * Prisma's CLI here runs on its WebAssembly schema engine (no native binaries can be downloaded on our
 * machines). Migrations go through adapter-pg 7.x, whose introspection reads PostgreSQL 15's catalog
 * types that 6.19's adapter cannot; the runtime client keeps 6.19.
 */
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is required for migrations");
    // A short idle timeout lets the CLI exit as soon as it is done instead of holding the pool open for 10 s.
    return Promise.resolve(new PrismaPg({ connectionString: url, idleTimeoutMillis: 100 }));
  },
});
