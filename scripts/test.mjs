#!/usr/bin/env node
// `npm test`: every tier — unit, integration (real PostgreSQL and Redis), browser (Chromium) — from one
// Vitest config. Builds the database client and the SPA first when they are missing or stale.
// Extra arguments go to Vitest (`npm test -- --project unit`).
import { ensurePrismaClient, ensureWebBuild, run } from "./lib.mjs";

ensurePrismaClient();
ensureWebBuild();
run("npx", ["vitest", "run", ...process.argv.slice(2)]);
