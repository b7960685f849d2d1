import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { SystemGraph, TeamRule } from "@threatline/domain";
import type { BuildOptions } from "@threatline/system";
import type { AnalyzeResult, SourceFile } from "@threatline/engine";
import type { PreparedPrompt, PrepareOptions } from "@threatline/llm/prepare";

/**
 * The engine's result with its threats capped (what was left out is counted in `omitted`), and the LLM's prompt
 * when it was asked for and could be built.
 */
export type BoundedResult = AnalyzeResult & { prompt?: PreparedPrompt | null };

export interface EnginePoolOptions {
  /** Threads, usually the worker's concurrency. */
  threads: number;
  /**
   * Longest a single analysis may parse and run rules before its thread is killed, counted from the moment a
   * thread starts it (time waiting for a free thread does not count).
   */
  timeoutMs: number;
  /** Most threats one analysis keeps (ANALYSIS_MAX_THREATS). */
  maxThreats: number;
  /** Heap limit of one engine thread in MB: a template that needs more fails instead of swelling the process. */
  memoryMb: number;
}

/** Raised when the engine exceeded its time bound on a file (a hostile or pathological template). */
export class EngineTimeoutError extends Error {
  override readonly name = "EngineTimeoutError";
}

/** Raised when the engine thread ran out of its heap (ENGINE_MEMORY_MB) on a file. */
export class EngineMemoryError extends Error {
  override readonly name = "EngineMemoryError";
}

/** Raised when the run was stopped by the caller's signal (the analysis was canceled, or the worker is leaving). */
export class EngineAbortedError extends Error {
  override readonly name = "EngineAbortedError";
}

/**
 * Runs the rules engine in worker threads so that no template can hang, crash or starve the worker process
 * (in `npm start`, the API shares it): parsing is bounded in size and depth by the engine, in time and heap
 * here — a task over its time or its caller's signal is aborted, which terminates its thread, and a thread
 * over its heap dies alone (piscina starts a fresh one).
 *
 * The time bound starts when a thread reports that it began the task, not when the task is queued: on a busy
 * machine a task can wait for a thread (one still starting, or one replacing a killed thread), and that wait
 * must not count against the template.
 */
export class EnginePool {
  private readonly pool: Piscina;
  /**
   * One thread of its own for system graphs, started on first use: a project's graph parses every current file
   * again, and must not take the threads analyses run in (nor, as on the main thread, more than one at a time).
   */
  private readonly graphs: Piscina;

  constructor(private readonly options: EnginePoolOptions) {
    this.pool = new Piscina({
      filename: new URL("./engine.task.ts", import.meta.url).href,
      // Threads load TypeScript sources the same way the main thread does.
      execArgv: ["--import", "tsx"],
      // Every thread is started up front (a thread loads the engine for a few seconds) and kept.
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
    this.graphs = new Piscina({
      filename: new URL("./engine.task.ts", import.meta.url).href,
      execArgv: ["--import", "tsx"],
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
  }

  async analyze(
    files: SourceFile[],
    focus: string[],
    signal?: AbortSignal,
    teamRules: TeamRule[] = [],
    prompt?: PrepareOptions,
  ): Promise<BoundedResult> {
    const timeout = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    // The thread says "started" on this port as it takes the task up; the clock starts then. It says "rules done"
    // before it prepares the prompt: the time bound is the engine's, and preparing the prompt here (rather than
    // on the main thread, as before) must not make a template that the engine finished in time fail.
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (message) => {
      if (message === "started" && !settled) timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
      else clearTimeout(timer);
    });
    const both = signal ? AbortSignal.any([timeout.signal, signal]) : timeout.signal;
    try {
      return (await this.pool.run(
        { files, focus, maxThreats: this.options.maxThreats, teamRules, prompt, started: port2 },
        { signal: both, transferList: [port2] },
      )) as BoundedResult;
    } catch (error) {
      if (signal?.aborted) throw new EngineAbortedError("The engine run was stopped");
      if (timeout.signal.aborted)
        throw new EngineTimeoutError(`The engine took longer than ${this.options.timeoutMs} ms`);
      if ((error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY")
        throw new EngineMemoryError(`The engine needed more than ${this.options.memoryMb} MB`);
      throw error;
    } finally {
      settled = true;
      clearTimeout(timer);
      port1.close();
    }
  }

  /**
   * A project's system graph, built in a thread of its own: it parses every current file of the project again
   * (seconds for a 20,000-resource file), which on the main thread stopped the API sharing the process
   * (`npm start`) from answering meanwhile (15–17 s at a time). Bounded by the thread's heap, and by the time
   * bound from when the thread takes it up.
   */
  async buildSystemGraph(files: SourceFile[], options: BuildOptions): Promise<SystemGraph> {
    const timeout = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const { port1, port2 } = new MessageChannel();
    port1.once("message", () => {
      if (!settled) timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    });
    try {
      return (await this.graphs.run(
        { files, options, started: port2 },
        { name: "systemGraph", signal: timeout.signal, transferList: [port2] },
      )) as SystemGraph;
    } catch (error) {
      if (timeout.signal.aborted)
        throw new EngineTimeoutError(`The system graph took longer than ${this.options.timeoutMs} ms`);
      if ((error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY")
        throw new EngineMemoryError(`The system graph needed more than ${this.options.memoryMb} MB`);
      throw error;
    } finally {
      settled = true;
      clearTimeout(timer);
      port1.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.destroy(), this.graphs.destroy()]);
  }
}
