import cliProgress from "cli-progress";

/** Below this many analysis units a progress bar only flickers. */
const PROGRESS_MIN_UNITS = 10;

/**
 * A progress callback for scanFiles: a bar on stderr when it is a terminal and the scan is long enough to
 * need one, nothing otherwise (pipes and CI logs stay clean). Call `stop()` when done.
 */
export function scanProgress(label: string): { onUnitDone: (done: number, total: number) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  return {
    onUnitDone: (done, total) => {
      if (!bar && process.stderr.isTTY && total >= PROGRESS_MIN_UNITS) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label} {bar} {value}/{total} files`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      bar?.update(done);
    },
    stop: () => bar?.stop(),
  };
}
