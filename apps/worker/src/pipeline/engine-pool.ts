import { Piscina } from "piscina";
import type { AnalyzeResult, SourceFile } from "@threatline/engine";

export interface EnginePoolOptions {
  /** Threads, usually the worker's concurrency. */
  threads: number;
  /** Longest a single analysis may parse and run rules before its thread is killed. */
  timeoutMs: number;
}

/** Raised when the engine exceeded its time bound on a file (a hostile or pathological template). */
export class EngineTimeoutError extends Error {
  override readonly name = "EngineTimeoutError";
}

/**
 * Runs the rules engine in worker threads so that no template can hang or crash the worker process: parsing
 * is bounded in size and depth by the engine, and in time here — a task over its time is aborted, which
 * terminates its thread (piscina starts a fresh one).
 */
export class EnginePool {
  private readonly pool: Piscina;

  constructor(private readonly options: EnginePoolOptions) {
    this.pool = new Piscina({
      filename: new URL("./engine.task.ts", import.meta.url).href,
      // Threads load TypeScript sources the same way the main thread does.
      execArgv: ["--import", "tsx"],
      minThreads: 1,
      maxThreads: options.threads,
      idleTimeout: 60_000,
    });
  }

  async analyze(files: SourceFile[], focus: string[]): Promise<AnalyzeResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      return (await this.pool.run({ files, focus }, { signal: controller.signal })) as AnalyzeResult;
    } catch (error) {
      if (controller.signal.aborted)
        throw new EngineTimeoutError(`The engine took longer than ${this.options.timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
