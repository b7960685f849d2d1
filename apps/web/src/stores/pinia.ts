import { createPinia, type Pinia, type PiniaPluginContext, type StateTree } from "pinia";
import { toRaw } from "vue";
import { endSessionRequests } from "../api/http.ts";

declare module "pinia" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the type parameters must match Pinia's declaration
  export interface DefineStoreOptionsBase<S extends StateTree, Store> {
    /**
     * Keeps the store's state when a session ends. Only for preferences of the browser (the theme), never for
     * anything the server sent: every other store is reset, so a store added later cannot forget it.
     */
    keepOnSignOut?: boolean;
  }
}

/** A deep copy of a store's state, key by key (a setup store's state holds refs; their values are copied). */
function copyState(state: StateTree): StateTree {
  const copy: StateTree = {};
  for (const key of Object.keys(state)) copy[key] = structuredClone(toRaw(state[key]) as unknown);
  return copy;
}

const resetters = new WeakMap<Pinia, Map<string, () => void>>();

/** Pinia plugin: remembers every store's state as it was created, to put it back when the session ends. */
function resetOnSessionEnd({ pinia, store, options }: PiniaPluginContext): void {
  if (options.keepOnSignOut) return;
  const initial = copyState(store.$state);
  let stores = resetters.get(pinia);
  if (!stores) resetters.set(pinia, (stores = new Map<string, () => void>()));
  stores.set(store.$id, () => store.$patch((state) => Object.assign(state, copyState(initial))));
}

/** The app's Pinia, with the reset every store gets when the session ends. */
export function createAppPinia(): Pinia {
  return createPinia().use(resetOnSessionEnd);
}

/**
 * Ends the session in the SPA: aborts its requests and live streams, and puts every store (but the browser's
 * preferences) back as it was created, so the next user sees nothing of the previous one. Called on sign-out and
 * when the server answers 401.
 */
export function endSession(pinia: Pinia): void {
  endSessionRequests();
  for (const reset of resetters.get(pinia)?.values() ?? []) reset();
}
