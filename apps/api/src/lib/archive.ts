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
  /** Past the per-file limit: not inflated further, `data` is empty, refused on its own with this many bytes seen. */
  tooLarge?: number;
}

export function isZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50;
}

/** Entries that are not templates: folders and the metadata macOS adds. */
function skipped(name: string): boolean {
  return name.endsWith("/") || name.startsWith("__MACOSX/") || name.split("/").some((part) => part === ".DS_Store");
}

/**
 * The first entry whose general-purpose flag says it is encrypted (bit 0: ZipCrypto or AES), from the central
 * directory and from every local header: fflate would hand back the ciphertext as if it were the file.
 */
function encryptedEntry(buffer: Buffer): string | null {
  const headers = [
    // Local file header: flags at +6, name length at +26, name at +30.
    { signature: Buffer.from([0x50, 0x4b, 0x03, 0x04]), flags: 6, nameLength: 26, name: 30 },
    // Central directory entry: flags at +8, name length at +28, name at +46.
    { signature: Buffer.from([0x50, 0x4b, 0x01, 0x02]), flags: 8, nameLength: 28, name: 46 },
  ];
  for (const h of headers) {
    for (let at = buffer.indexOf(h.signature); at !== -1; at = buffer.indexOf(h.signature, at + 4)) {
      if (at + h.name > buffer.length) break;
      if ((buffer.readUInt16LE(at + h.flags) & 1) === 1) {
        const end = Math.min(at + h.name + buffer.readUInt16LE(at + h.nameLength), buffer.length);
        return buffer.subarray(at + h.name, end).toString("utf8");
      }
    }
  }
  return null;
}

/**
 * Expands a zip in memory, counting inflated bytes as they stream so a zip bomb is stopped at the limit,
 * refusing `..` and absolute paths and encrypted entries. Nothing touches the disk, so symlink entries are only
 * small text files.
 */
export function expandArchive(buffer: Buffer, limits: ArchiveLimits): ArchiveEntry[] {
  const encrypted = encryptedEntry(buffer);
  if (encrypted !== null) {
    throw new AppError(
      "archive/encrypted",
      `"${encrypted.slice(0, 200)}" in the archive is encrypted; zip the templates without a password.`,
    );
  }
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
    let over = false;
    file.ondata = (error, chunk, final) => {
      if (failure || over) return;
      if (error) {
        failure = new AppError("archive/invalid", "The archive is corrupt.");
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > limits.maxFileBytes) {
        // Refused on its own; the other entries go ahead. The bytes it inflated still count towards the total.
        over = true;
        entries.push({ path: path.data, data: Buffer.alloc(0), tooLarge: size });
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
