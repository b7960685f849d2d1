import type { Threat } from "@threatline/domain";
import type { ResourceGraph, SourceFile } from "@threatline/engine";
import { chunkGraph, defaultPromptEngine, type GraphChunk, type PromptEngine } from "./context.ts";
import { inertJson, inertText, loadPrompt, type PromptTemplate, renderTemplate } from "./prompts.ts";

/** One call's user message, ready to send, and the tokens the whole request is estimated at. */
export interface PreparedPart {
  nodeIds: string[];
  userText: string;
  tokens: number;
}

/**
 * A template's prompt, prepared where its graph already is (the worker's engine thread) so that the worker's
 * main thread, which drives every job's model calls, does not redact, chunk and compact it. Used only when its
 * `promptHash` is the modeler's prompt's.
 */
export interface PreparedPrompt {
  promptHash: string;
  parts: PreparedPart[];
}

/** What preparing a prompt needs to know of the LLM configuration (plain data: it crosses to a thread). */
export interface PrepareOptions {
  promptVersion: string;
  /** LLM_MAX_INPUT_TOKENS: the budget of one chunk's compact graph. */
  maxInputTokens: number;
  promptsDir?: string;
}

/** Redacts the graph and splits it into chunks that fit the input budget. */
export function redactAndChunk(
  files: readonly SourceFile[],
  graph: ResourceGraph,
  ruleThreats: readonly Threat[],
  maxInputTokens: number,
  seams: PromptEngine,
): { redacted: ResourceGraph; chunks: GraphChunk[] } {
  const redacted = seams.redact(files, graph).graph;
  return { redacted, chunks: chunkGraph(redacted, ruleThreats, maxInputTokens, seams) };
}

/** The user message of one chunk (part `part` of `parts`) and the estimated input tokens of its request. */
export function renderPart(
  prompt: PromptTemplate,
  chunk: GraphChunk,
  part: number,
  parts: number,
  seams: PromptEngine,
): PreparedPart {
  // Rule findings go in their own structured block (the model annotates them by ruleId), not twice.
  const compact = seams.compactGraph(chunk.graph, {});
  const formats = [...new Set(chunk.graph.nodes.map((n) => n.format))].join(", ") || "unknown";
  const findings = chunk.ruleThreats.map((t) => ({
    ruleId: t.ruleId,
    category: t.category,
    severity: t.severity,
    title: t.title,
    resourceId: t.resources[0]?.id ?? null,
  }));
  const userText = renderTemplate(prompt.user, {
    part: String(part),
    parts: String(parts),
    format: formats,
    resourceIds: inertJson(chunk.nodeIds),
    graph: inertText(compact.text.trimEnd()),
    ruleFindings: inertJson(findings),
    // The same findings as rows (stride-v2 on): the keys and the severity repeated per finding cost a third of them.
    ruleFindingRows: inertJson(findings.map((f) => [f.ruleId, f.resourceId, f.category, f.title])),
  });
  return {
    nodeIds: chunk.nodeIds,
    userText,
    tokens:
      seams.estimateTokens(prompt.system) +
      seams.estimateTokens(userText) +
      seams.estimateTokens(JSON.stringify(prompt.toolSchema)),
  };
}

/**
 * The whole prompt of a template, every part rendered: what the modeler would build itself, byte for byte.
 * Runs in the engine thread right after the rules (`ENGINE` task's `prompt` option).
 */
export function preparePrompt(
  files: readonly SourceFile[],
  graph: ResourceGraph,
  ruleThreats: readonly Threat[],
  options: PrepareOptions,
  seams: PromptEngine = defaultPromptEngine(),
): PreparedPrompt {
  const prompt = loadPrompt(options.promptVersion, options.promptsDir);
  const { chunks } = redactAndChunk(files, graph, ruleThreats, options.maxInputTokens, seams);
  return {
    promptHash: prompt.hash,
    parts: chunks.map((chunk, i) => renderPart(prompt, chunk, i + 1, chunks.length, seams)),
  };
}
