import type { Db } from "@threatline/db";

/**
 * Aborts `controller` once the analysis is no longer `running` (its batch was canceled), checking every
 * `intervalMs`. Returns the function that stops watching. A failed check (the database is briefly away) is
 * not a cancellation: the next check decides.
 */
export function watchCancellation(
  db: Db,
  analysisId: string,
  controller: AbortController,
  intervalMs: number,
): () => void {
  let checking = false;
  const timer = setInterval(() => {
    if (checking || controller.signal.aborted) return;
    checking = true;
    db.analysis
      .findUnique({ where: { id: analysisId }, select: { status: true } })
      .then((row) => {
        if (row && row.status !== "running") controller.abort();
      })
      .catch(() => undefined)
      .finally(() => {
        checking = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
