import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { TeamRule } from "@threatline/domain";
import type { AnalyzeResult, SourceFile } from "@threatline/engine";

/** The engine's result with its threats capped: what was left out is counted in `omitted`. */
export type BoundedResult = AnalyzeResult;

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
  }

  async analyze(
    files: SourceFile[],
    focus: string[],
    signal?: AbortSignal,
    teamRules: TeamRule[] = [],
  ): Promise<BoundedResult> {
    const timeout = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    // The thread says "started" on this port as it takes the task up; the clock starts then.
    const { port1, port2 } = new MessageChannel();
    port1.once("message", () => {
      if (!settled) timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    });
    const both = signal ? AbortSignal.any([timeout.signal, signal]) : timeout.signal;
    try {
      return (await this.pool.run(
        { files, focus, maxThreats: this.options.maxThreats, teamRules, started: port2 },
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

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
