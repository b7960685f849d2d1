import type { MessagePort } from "node:worker_threads";
import type { SystemGraph, TeamRule } from "@threatline/domain";
import { type BuildOptions, buildSystemGraph } from "@threatline/system";
import { analyze, type SourceFile } from "@threatline/engine";
import { preparePrompt, type PrepareOptions } from "@threatline/llm/prepare";
import type { BoundedResult } from "./engine-pool.ts";
import { analyzeBounded } from "./team-rules.ts";

/** One small file of each format the engine reads: its first analysis initialises a second's worth of state. */
const WARM_UP: SourceFile[] = [
  { path: "warm-up/main.tf", content: 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' },
  { path: "warm-up/stack.yaml", content: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n" },
  {
    path: "warm-up/api.yaml",
    content:
      'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      responses: {"200": {description: ok}}\n',
  },
  {
    path: "warm-up/pod.yaml",
    content: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx}\n",
  },
];

/**
 * Runs in a worker thread of the engine pool: the rules engine on one analysis's files. The threats are capped
 * here, so that only the kept ones are built and cross back to the main thread (100,000 threats are ~100 MB
 * to clone).
 */
async function run({
  files,
  focus,
  maxThreats,
  teamRules = [],
  prompt,
  started,
}: {
  files: SourceFile[];
  focus: string[];
  maxThreats: number;
  /** The team's own rules (plain data: compiled here). */
  teamRules?: TeamRule[];
  /** Also prepare the LLM's prompt from the kept threats, here rather than on the worker's main thread. */
  prompt?: PrepareOptions;
  /** Told as the task begins on this thread, and when the rules are done: the pool's time bound is the rules'. */
  started?: MessagePort;
}): Promise<BoundedResult> {
  started?.postMessage("started");
  const result = await analyzeBounded(files, focus, maxThreats, teamRules);
  if (!prompt || result.files.some((f) => f.error)) return result;
  started?.postMessage("rules done");
  try {
    return { ...result, prompt: preparePrompt(files, result.graph, result.threats, prompt) };
  } catch {
    // The main thread prepares it then, as it would without this step.
    return { ...result, prompt: null };
  }
}

/**
 * A project's system graph (the `systemGraph` task): parses the project's files again, so it runs here rather
 * than on the worker's main thread.
 */
export async function systemGraph({
  files,
  options,
  started,
}: {
  files: SourceFile[];
  options: BuildOptions;
  started?: MessagePort;
}): Promise<SystemGraph> {
  started?.postMessage("started");
  return buildSystemGraph(files, options);
}

// Piscina hands a thread tasks only once its handler has resolved (a promise of the function is awaited): the
// warm-up is paid before the first task, not inside its time bound (a fresh thread's first analysis took over
// a second even for a two-line file). A top-level await would do the same but breaks piscina's require().
export default analyze(WARM_UP, { focus: WARM_UP.map((f) => f.path) }).then(() => run);
