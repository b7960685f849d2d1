import { ref } from "vue";
import { ApiError } from "../api/http.ts";

/** Loading and error state around one kind of request; the latest call wins, older answers are dropped. */
export function asyncState() {
  const loading = ref(false);
  const error = ref<ApiError | null>(null);
  let generation = 0;

  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const result = await work();
      return mine === generation ? result : undefined;
    } catch (e) {
      if (mine === generation)
        error.value =
          e instanceof ApiError ? e : new ApiError("internal/error", e instanceof Error ? e.message : String(e), 0);
      return undefined;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }
  return { loading, error, run };
}
