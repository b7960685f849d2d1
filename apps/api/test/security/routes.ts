import type { Express } from "express";

/** One mounted endpoint: method (upper case) and full path with its `:params`. */
export interface MountedRoute {
  method: string;
  path: string;
}

interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[]; router?: { stack?: LayerLike[] } };
  rawPath?: unknown;
  slash?: boolean;
}

/**
 * Every route mounted in an Express 5 app, found by walking the router stack (routers and sub-apps nested at
 * any depth). Middleware without a route (static files, body parsers) is not a route and is not listed.
 */
export function mountedRoutes(app: Express): MountedRoute[] {
  const out: MountedRoute[] = [];
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = [layer.route.path].flat().filter((p): p is string => typeof p === "string");
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== "_all") out.push({ method: method.toUpperCase(), path: `${prefix}${path}` });
          }
        }
        continue;
      }
      const nested = layer.handle?.stack ?? layer.handle?.router?.stack;
      if (!nested) continue;
      const mount = layer.slash || typeof layer.rawPath !== "string" ? "" : layer.rawPath.replace(/\/$/, "");
      walk(nested, `${prefix}${mount}`);
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, "");
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Fills a route's params: `values` by param name, with the path's first segment deciding what `:id` is. */
export function fillPath(path: string, ids: Record<string, string>, fallback: string): string {
  const resource = /^\/api\/v1\/([^/]+)/.exec(path)?.[1] ?? "";
  return path
    .replace(/:(\w+)/g, (_m, name: string) => ids[name === "id" ? `${resource}:id` : name] ?? fallback)
    .replace(/\*(\w+)?/g, "x");
}
