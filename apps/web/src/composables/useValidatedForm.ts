import { computed, ref, watch, type WatchSource } from "vue";
import type { z } from "zod";

/**
 * A dialog form's validation: the fields parsed by the domain's zod schema on every change, each field's first
 * issue shown only after a save was tried, and the parsed value handed to `submit` when it is valid. `reset`
 * runs each time `open` becomes true, to fill the fields afresh.
 */
export function useValidatedForm<S extends z.ZodType>(
  schema: S,
  values: () => unknown,
  options: { open: WatchSource<boolean>; reset: () => void; submit: (value: z.output<S>) => void },
) {
  const touched = ref(false);
  watch(options.open, (open) => {
    if (!open) return;
    touched.value = false;
    options.reset();
  });
  const parsed = computed(() => schema.safeParse(values()));
  /** The first issue of a field (its message), once a save was tried. */
  const issue = (field: string): string | undefined =>
    touched.value && !parsed.value.success
      ? parsed.value.error.issues.find((i) => i.path[0] === field)?.message
      : undefined;
  function save() {
    touched.value = true;
    if (parsed.value.success) options.submit(parsed.value.data);
  }
  return { touched, parsed, issue, save };
}
