// A worker whose event loop is blocked inside the result transaction (as writing 100,000 threats once did):
// it locks one analysis row the way persistOutcome does, says "locked", then blocks its thread for `blockMs`.
//   node --import tsx blocked-transaction.fixture.ts <databaseUrl> <analysisId> <timeoutMs> <blockMs>
import { createDb } from "@threatline/db";
import { boundTransaction } from "@threatline/worker";

const [url, analysisId, timeoutMs, blockMs] = process.argv.slice(2) as [string, string, string, string];
const db = createDb({ url, poolSize: 1 });
try {
  await db.$transaction(
    async (tx) => {
      await boundTransaction(tx, Number(timeoutMs));
      await tx.analysis.update({ where: { id: analysisId }, data: { errorMessage: "written by the blocked worker" } });
      process.stdout.write("locked\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(blockMs));
      await tx.analysis.update({ where: { id: analysisId }, data: { status: "succeeded" } });
    },
    { timeout: Number(timeoutMs) },
  );
  process.stdout.write("committed\n");
} catch {
  process.stdout.write("rolled back\n");
} finally {
  await db.$disconnect();
}
