import { Queue, Worker, type ConnectionOptions, type JobsOptions, type Processor, type WorkerOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { JOB_PAYLOADS, JOB_QUEUE, type JobName, type JobPayload, type QueueName } from "./names.ts";

export interface QueueConnection {
  url: string;
  /** Key prefix, so that several deployments (or test runs) can share one Redis. */
  prefix?: string;
}

/**
 * Attempts with exponential backoff, and bounded retention so Redis does not grow without end.
 * Analyses are recorded in PostgreSQL, so Redis only needs recent jobs.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/**
 * A connection for producers: fail fast. Without this a request would hang while ioredis queues commands
 * for a Redis that is down; the API answers 503 instead.
 */
export function producerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}

/** A connection for workers: wait and reconnect for as long as it takes (BullMQ requires `maxRetriesPerRequest: null`). */
export function workerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
    ...options,
  });
}

export function createQueue(name: QueueName, connection: ConnectionOptions, prefix?: string): Queue {
  return new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
}

/** Validates a job's payload and that it belongs on this queue; returns the payload as the schema reads it. */
function checkedPayload<N extends JobName>(queue: Queue, name: N, payload: JobPayload<N>): JobPayload<N> {
  if (queue.name !== JOB_QUEUE[name])
    throw new Error(`Job ${name} belongs on queue ${JOB_QUEUE[name]}, not ${queue.name}`);
  // TypeScript reads the schema of a generic job name as the union of every job's; the name picks one.
  return JOB_PAYLOADS[name].parse(payload) as JobPayload<N>;
}

/** Validates the payload, then adds the job; the job id is the record's id, so adding twice is a no-op. */
export async function enqueue<N extends JobName>(
  queue: Queue,
  name: N,
  payload: JobPayload<N>,
  jobId: string,
  options: Pick<JobsOptions, "attempts" | "backoff"> = {},
): Promise<void> {
  await queue.add(name, checkedPayload(queue, name, payload), { jobId, ...options });
}

/** `enqueue` for many jobs of one name in one round trip (all validated before any is added). */
export async function enqueueMany<N extends JobName>(
  queue: Queue,
  name: N,
  jobs: readonly { payload: JobPayload<N>; jobId: string }[],
): Promise<void> {
  const checked = jobs.map(({ payload, jobId }) => ({
    name,
    data: checkedPayload(queue, name, payload),
    opts: { jobId },
  }));
  await queue.addBulk(checked);
}

export function createWorker(
  name: QueueName,
  processor: Processor,
  connection: ConnectionOptions,
  options: Omit<WorkerOptions, "connection"> = {},
): Worker {
  return new Worker(name, processor, { connection, concurrency: 4, ...options });
}
