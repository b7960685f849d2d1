const KB = 1024;
const MB = 1024 * 1024;

/**
 * A byte count as every screen and error message writes it, so a limit and the file it refuses are said in
 * the same units: binary kilo- and megabytes ("5 MB" is 5 × 1024² bytes, as `MAX_FILE_BYTES` counts), rounded
 * down, with two decimals below 10 so that a file a little over a limit reads as more than the limit.
 */
export function formatBytes(bytes: number): string {
  if (bytes < KB) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const [value, unit] = bytes < MB ? [bytes / KB, "KB"] : [bytes / MB, "MB"];
  const shown = Math.floor(value * (value < 10 ? 100 : 10)) / (value < 10 ? 100 : 10);
  return `${shown.toLocaleString("en-US")} ${unit}`;
}
