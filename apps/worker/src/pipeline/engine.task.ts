import { capThreats } from "@threatline/domain";
import { analyze, type SourceFile } from "@threatline/engine";
import type { BoundedResult } from "./engine-pool.ts";

/**
 * Runs in a worker thread of the engine pool: the rules engine on one analysis's files. The threats are capped
 * here, so that only the kept ones cross back to the main thread (100,000 threats are ~100 MB to clone).
 */
export default async function run({
  files,
  focus,
  maxThreats,
}: {
  files: SourceFile[];
  focus: string[];
  maxThreats: number;
}): Promise<BoundedResult> {
  const result = await analyze(files, { focus });
  const { kept, omitted } = capThreats(result.threats, maxThreats);
  return { ...result, threats: kept, omitted };
}
