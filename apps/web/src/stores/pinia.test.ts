import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "vue";
import { setActivePinia, type Pinia, type StoreGeneric } from "pinia";
import type { ProjectDto } from "@threatline/domain";
import { createApi, provideApi, type BatchEventSource } from "../api/client.ts";
import { createFetchHttp, endSessionRequests, isAbort } from "../api/http.ts";
import { batch, fakeApi } from "../../test/fake-api.ts";
import { createAppPinia } from "./pinia.ts";
import { useBatchesStore } from "./batches.store.ts";
import { useProjectsStore } from "./projects.store.ts";
import { useSessionStore } from "./session.store.ts";
import { useSubmitStore } from "./submit.store.ts";
import { useUiStore } from "./ui.store.ts";

/** Every `use…Store` the SPA defines, found by file name so a store added later is covered without editing this test. */
const storeModules = import.meta.glob<Record<string, unknown>>("./*.store.ts", { eager: true });
const allStores = Object.values(storeModules).flatMap((module) =>
  Object.entries(module)
    .filter(([name, value]) => /^use\w+Store$/.test(name) && typeof value === "function")
    .map(([, value]) => value as () => StoreGeneric),
);

const project = (id: string, name: string) => ({ id, name }) as ProjectDto;

/** The app's Pinia as `main.ts` installs it (Pinia applies plugins only once it is installed in an app). */
function appPinia(): Pinia {
  const pinia = createAppPinia();
  createApp({}).use(pinia);
  setActivePinia(pinia);
  return pinia;
}

describe("ending a session resets the stores", () => {
  beforeEach(() => appPinia());

  it("finds the stores", () => {
    expect(allStores.length).toBeGreaterThanOrEqual(14);
  });

  it("puts every store but the theme back as it was created, on sign-out and on a 401", async () => {
    provideApi(fakeApi({ logout: () => Promise.resolve(undefined) }).api);
    for (const end of [() => useSessionStore().logout(), () => Promise.resolve(useSessionStore().expire())]) {
      appPinia();
      const stores = allStores.map((use) => use());
      const initial = stores.map((s) => JSON.parse(JSON.stringify(s.$state)) as unknown);
      for (const store of stores)
        for (const key of Object.keys(store.$state)) (store.$state as Record<string, unknown>)[key] = "previous user";
      await end();

      for (const [i, store] of stores.entries()) {
        if (store.$id === "ui") {
          expect(store.$state).toEqual({ dark: "previous user" });
          continue;
        }
        const expected = { ...(initial[i] as object) };
        // The session store is reset too, then records the sign-out.
        if (store.$id === "session") Object.assign(expected, { session: { authenticated: false }, checked: true });
        expect({ id: store.$id, state: store.$state }).toEqual({ id: store.$id, state: expected });
      }
    }
  });

  it("Submit and Batches show the next user's projects, not the previous user's", async () => {
    let user = "alice";
    provideApi(
      fakeApi({
        listProjects: () =>
          Promise.resolve(user === "alice" ? [project("pa", "alice-project")] : [project("pb", "bob-project")]),
        listBatches: () => Promise.resolve(user === "alice" ? [batch("ba", [], "pa")] : []),
        logout: () => Promise.resolve(undefined),
      }).api,
    );
    const projects = useProjectsStore();
    const batches = useBatchesStore();
    await projects.load();
    await batches.load();
    expect(projects.items.map((p) => p.name)).toEqual(["alice-project"]);

    await useSessionStore().logout();
    user = "bob";
    // The views load only what is not loaded yet, so the flag must be reset with the items.
    expect(projects.loaded).toBe(false);
    expect(projects.items).toEqual([]);
    expect(batches.items).toEqual([]);
    if (!projects.loaded) await projects.load();
    expect(projects.items.map((p) => p.name)).toEqual(["bob-project"]);
  });

  it("drops an answer of the previous session that arrives after it ended, without an error", async () => {
    let answer!: (items: ProjectDto[]) => void;
    let fail!: (e: unknown) => void;
    provideApi(
      fakeApi({
        listProjects: () => new Promise((resolve) => (answer = resolve)),
        listBatches: () => new Promise((_, reject) => (fail = reject)),
        logout: () => Promise.resolve(undefined),
      }).api,
    );
    const projects = useProjectsStore();
    const batches = useBatchesStore();
    const loading = projects.load();
    const loadingBatches = batches.load();
    expect(projects.loading).toBe(true);
    await useSessionStore().logout();
    answer([project("pa", "alice-project")]);
    fail(new Error("alice's request failed"));
    await Promise.all([loading, loadingBatches]);
    expect(projects.items).toEqual([]);
    expect(projects.loaded).toBe(false);
    expect(projects.loading).toBe(false);
    expect(batches.error).toBeNull();
  });

  it("closes the live batch stream of the previous session", () => {
    const open = new Set<string>();
    const events: BatchEventSource = (id) => {
      open.add(id);
      return () => open.delete(id);
    };
    provideApi(createApi(createFetchHttp(), events));
    const submit = useSubmitStore();
    submit.follow("b1");
    expect([...open]).toEqual(["b1"]);
    expect(submit.live).toBe(true);
    useSessionStore().expire();
    expect([...open]).toEqual([]);
    expect(submit.live).toBe(false);
    expect(submit.batchId).toBeNull();
  });

  it("aborts the previous session's requests at the fetch, even one whose answer is already in", async () => {
    const signals: AbortSignal[] = [];
    let release!: () => void;
    const http = createFetchHttp(((_url: string, init: RequestInit) => {
      signals.push(init.signal!);
      return Promise.resolve({
        ok: true,
        status: 200,
        text: () => new Promise<string>((resolve) => (release = () => resolve('{"items":[]}'))),
      } as Response);
    }) as unknown as typeof fetch);
    const pending = http("GET", "/projects").catch((e: unknown) => e);
    await Promise.resolve();
    endSessionRequests();
    expect(signals[0]!.aborted).toBe(true);
    release();
    expect(isAbort(await pending)).toBe(true);
    // The next session's requests go through.
    const next = http("GET", "/projects");
    await Promise.resolve();
    release();
    expect(await next).toEqual({ items: [] });
  });

  it("keeps the theme, a preference of the browser", () => {
    const ui = useUiStore();
    ui.dark = true;
    useSessionStore().expire();
    expect(ui.dark).toBe(true);
  });
});
