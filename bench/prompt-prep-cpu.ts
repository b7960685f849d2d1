/**
 * Main-thread CPU of an analysis's LLM prompt preparation (redaction, chunking, compaction, token estimates) on
 * the 300 Kubernetes templates of bench/llm-pipeline.ts: the work the worker used to do on its main thread for
 * every analysis and now does in the engine thread (issue #21). CPU time (process.cpuUsage around the step, in a
 * single-threaded process), so the figure holds on a loaded machine where wall-clock time would not.
 *   node --import tsx bench/prompt-prep-cpu.ts [--templates 300]
 */
import { cpus, loadavg } from "node:os";
import { analyze } from "@threatline/engine";
import { preparePrompt } from "@threatline/llm";
import { pipelineCorpus } from "./llm-pipeline-corpus.ts";

const i = process.argv.indexOf("--templates");
const COUNT = i >= 0 ? Number(process.argv[i + 1]) : 300;
const options = { promptVersion: "stride-v2", maxInputTokens: 60_000 };
const files = pipelineCorpus(COUNT);
let prepUs = 0;
let engineUs = 0;
let parts = 0;
for (const file of files) {
  const e0 = process.cpuUsage();
  const result = await analyze([file], { focus: [file.path] });
  const e1 = process.cpuUsage(e0);
  engineUs += e1.user + e1.system;
  const p0 = process.cpuUsage();
  parts += preparePrompt([file], result.graph, result.threats, options).parts.length;
  const p1 = process.cpuUsage(p0);
  prepUs += p1.user + p1.system;
}
process.stdout.write(
  `${new Date().toISOString()} ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )}: ${COUNT} templates, ${parts} parts; prompt preparation ${(prepUs / COUNT / 1000).toFixed(1)} ms CPU per template (engine ${(engineUs / COUNT / 1000).toFixed(1)} ms)\n`,
);
