import { analyze, type AnalyzeResult, type SourceFile } from "@threatline/engine";

/** Runs in a worker thread of the engine pool: the rules engine on one analysis's files. */
export default async function run({ files, focus }: { files: SourceFile[]; focus: string[] }): Promise<AnalyzeResult> {
  return analyze(files, { focus });
}
