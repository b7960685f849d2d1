import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { AppError, TemplatePathSchema } from "@threatline/domain";

export interface ArchiveLimits {
  maxFiles: number;
  maxFileBytes: number;
  /** Most bytes inflated from one archive, whatever its entries claim (zip bombs lie about sizes). */
  maxTotalBytes: number;
}

export interface ArchiveEntry {
  path: string;
  data: Buffer;
}

export function isZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50;
}

/** Entries that are not templates: folders and the metadata macOS adds. */
function skipped(name: string): boolean {
  return name.endsWith("/") || name.startsWith("__MACOSX/") || name.split("/").some((part) => part === ".DS_Store");
}

/**
 * Expands a zip in memory, counting inflated bytes as they stream so a zip bomb is stopped at the limit,
 * refusing `..` and absolute paths. Nothing touches the disk, so symlink entries are only small text files.
 */
export function expandArchive(buffer: Buffer, limits: ArchiveLimits): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let total = 0;
  let failure: AppError | undefined;
  const unzip = new Unzip((file) => {
    if (failure || skipped(file.name)) return;
    const path = TemplatePathSchema.safeParse(file.name);
    if (!path.success) {
      failure = new AppError("archive/unsafe-path", `The archive holds an unsafe path: "${file.name.slice(0, 200)}".`);
      return;
    }
    if (entries.length >= limits.maxFiles) {
      failure = new AppError("request/too-many-files", `The archive has more than ${limits.maxFiles} files.`);
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error) {
        failure = new AppError("archive/invalid", "The archive is corrupt.");
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > limits.maxFileBytes) {
        failure = new AppError(
          "template/too-large",
          `"${path.data}" in the archive is larger than ${limits.maxFileBytes} bytes.`,
        );
        file.terminate();
        return;
      }
      if (total > limits.maxTotalBytes) {
        failure = new AppError("archive/too-large", `The archive expands to more than ${limits.maxTotalBytes} bytes.`);
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) entries.push({ path: path.data, data: Buffer.concat(chunks) });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    // Feed in slices so that inflation (and our byte counting) happens incrementally.
    const step = 64 * 1024;
    for (let offset = 0; offset < buffer.length && !failure; offset += step) {
      unzip.push(buffer.subarray(offset, offset + step), offset + step >= buffer.length);
    }
  } catch {
    failure ??= new AppError("archive/invalid", "The archive is corrupt or uses an unsupported compression.");
  }
  if (failure) throw failure;
  if (entries.length === 0) throw new AppError("archive/invalid", "The archive holds no files.");
  return entries;
}
