/**
 * One-off data migration: carries triage decisions recorded on threats the engine now merges (one weakness
 * reported by several rules, a combination standing for its parts) to the surviving fingerprints of every
 * project's current analyses. New analyses do this as they are stored; this covers the ones stored before.
 *
 * Run once after upgrading: `DATABASE_URL=postgres://… npx tsx apps/worker/src/scripts/carry-existing-triage.ts`.
 * Safe to run again: a threat that already has a decision keeps it.
 */
import { createDb } from "@threatline/db";
import { carryExistingTriage } from "../pipeline/carry-triage.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write("DATABASE_URL is not set: it names the database whose triage is carried.\n");
  process.exit(2);
}
const db = createDb({ url });
try {
  const carried = await carryExistingTriage(db);
  const total = [...carried.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`${total} triage decision(s) carried to merged threats in ${carried.size} project(s).\n`);
} finally {
  await db.$disconnect();
}
