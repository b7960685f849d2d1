import { compareText } from "./format.ts";

/** A file picked or dropped, with its path relative to the dropped folder (or its name). */
export interface PickedFile {
  path: string;
  file: File;
}

/** Files that look like templates or archives; other files in a dropped folder are skipped. */
const ACCEPTED = /\.(ya?ml|json|tf|tf\.json|hcl|template|zip)$/i;

export function isAcceptedFile(path: string): boolean {
  return ACCEPTED.test(path);
}

/** Paths submitted must be relative with forward slashes; drop a leading slash and `./`. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, "/")
    .replace(/^\/+/, "")
    .replace(/^(\.\/)+/, "");
}

/**
 * Merges newly picked files into a list: the same path replaces the earlier file, so dropping a folder
 * twice does not submit it twice. Hidden folders (`.git`, `.terraform`) are skipped.
 */
export function mergePicked(existing: readonly PickedFile[], added: readonly PickedFile[]): PickedFile[] {
  const byPath = new Map(existing.map((f) => [f.path, f]));
  for (const f of added) {
    const path = normalizePath(f.path);
    if (!isAcceptedFile(path) || path.split("/").some((part) => part.startsWith(".") && part.length > 1)) continue;
    byPath.set(path, { path, file: f.file });
  }
  return [...byPath.values()].sort((a, b) => compareText(a.path, b.path));
}

/** Files from an `<input type=file webkitdirectory>` or a plain multi-file input. */
export function fromFileList(list: FileList | readonly File[]): PickedFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  fullPath: string;
  name: string;
}
interface FileEntryLike extends EntryLike {
  file(success: (f: File) => void, failure: (e: unknown) => void): void;
}
interface DirEntryLike extends EntryLike {
  createReader(): { readEntries(success: (entries: EntryLike[]) => void, failure: (e: unknown) => void): void };
}

async function walk(entry: EntryLike, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileEntryLike).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ""), file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as DirEntryLike).createReader();
  // readEntries answers in chunks (100 in Chromium) until it answers an empty list.
  for (;;) {
    const chunk = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) break;
    for (const child of chunk) await walk(child, out);
  }
}

/** Files of a drop, folders walked with their relative paths kept. */
export async function fromDataTransfer(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(transfer.items)
    .filter((item) => item.kind === "file")
    .map((item) => item.webkitGetAsEntry() as EntryLike | null);
  if (entries.every((e) => e === null)) return fromFileList(transfer.files);
  const out: PickedFile[] = [];
  for (const entry of entries) if (entry) await walk(entry, out);
  return out;
}
