import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { type AnalysisEvent, AnalysisEventSchema } from "@threatline/domain";
import { EVENTS_CHANNEL } from "./names.ts";

function channel(prefix: string): string {
  return `${prefix}:${EVENTS_CHANNEL}`;
}

/** Workers publish every analysis status change; API processes fan them out to their SSE clients. */
export async function publishEvent(redis: Redis, prefix: string, event: AnalysisEvent): Promise<void> {
  await redis.publish(channel(prefix), JSON.stringify(AnalysisEventSchema.parse(event)));
}

/**
 * One Redis subscription per API process, fanned out in memory by batch and by project, so a thousand
 * open dashboards cost one Redis connection.
 */
export class EventHub {
  private readonly emitter = new EventEmitter();

  private constructor(private readonly subscriber: Redis) {
    this.emitter.setMaxListeners(0);
  }

  /** `subscriber` becomes a dedicated subscriber connection (Redis forbids other commands on it). */
  static async start(subscriber: Redis, prefix: string): Promise<EventHub> {
    const hub = new EventHub(subscriber);
    subscriber.on("message", (_channel: string, message: string) => hub.dispatch(message));
    await subscriber.subscribe(channel(prefix));
    return hub;
  }

  private dispatch(message: string): void {
    let parsed: AnalysisEvent;
    try {
      parsed = AnalysisEventSchema.parse(JSON.parse(message));
    } catch {
      return;
    }
    if (parsed.batchId) this.emitter.emit(`batch:${parsed.batchId}`, parsed);
    this.emitter.emit(`project:${parsed.projectId}`, parsed);
    this.emitter.emit("all", parsed);
  }

  /** Listens to one batch, one project, or everything; returns the function that stops listening. */
  on(scope: { batchId: string } | { projectId: string } | "all", listener: (event: AnalysisEvent) => void): () => void {
    const key = scope === "all" ? "all" : "batchId" in scope ? `batch:${scope.batchId}` : `project:${scope.projectId}`;
    this.emitter.on(key, listener);
    return () => this.emitter.off(key, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    await this.subscriber.quit().catch(() => undefined);
  }
}
