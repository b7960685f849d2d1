import ELK from "elkjs/lib/elk-api.js";
import workerUrl from "elkjs/lib/elk-worker.min.js?url";
import type { SystemGraph } from "@threatline/domain";
import { layoutSystem, type DiffStatus, type ElkLike, type Scene } from "@threatline/system/layout";

let elk: ElkLike | null = null;

/** ELK in a web worker: a 500-node layout never blocks the page. One worker for the whole app. */
function sharedElk(): ElkLike {
  elk ??= new ELK({ workerUrl }) as unknown as ElkLike;
  return elk;
}

/** Lays a graph out and says how long ELK took (shown on the page, and read by bench/system-view). */
export async function layOut(
  graph: Pick<SystemGraph, "nodes" | "edges" | "boundaries">,
  diff?: ReadonlyMap<string, DiffStatus>,
): Promise<{ scene: Scene; ms: number }> {
  const started = performance.now();
  const scene = await layoutSystem(graph, sharedElk(), diff);
  return { scene, ms: Math.round(performance.now() - started) };
}
