import { ref } from "vue";
import { ApiError, isAbort, sessionSignal } from "../api/http.ts";

/**
 * Loading and error state around one kind of request; the latest call wins, older answers are dropped, and so
 * is every answer (or failure) of a session that ended while it was on its way.
 */
export function asyncState() {
  const loading = ref(false);
  const error = ref<ApiError | null>(null);
  let generation = 0;

  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    const mine = ++generation;
    const session = sessionSignal();
    const current = () => mine === generation && !session.aborted;
    loading.value = true;
    error.value = null;
    try {
      const result = await work();
      return current() ? result : undefined;
    } catch (e) {
      if (current() && !isAbort(e))
        error.value =
          e instanceof ApiError ? e : new ApiError("internal/error", e instanceof Error ? e.message : String(e), 0);
      return undefined;
    } finally {
      if (current()) loading.value = false;
    }
  }
  return { loading, error, run };
}
