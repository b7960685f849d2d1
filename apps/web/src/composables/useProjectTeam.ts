import { computed, ref, watch } from "vue";
import { useSessionStore } from "../stores/session.store.ts";

/**
 * The team a new project goes to. A member of one team never sees a choice; a member of several must pick
 * (the API refuses to guess), so the first team they may write to is preselected.
 */
export function useProjectTeam() {
  const session = useSessionStore();
  const options = computed(() =>
    (session.session?.teams ?? [])
      .filter((t) => t.role === "admin" || t.role === "editor")
      .map((t) => ({ label: t.name, value: t.id })),
  );
  const teamId = ref<string | null>(null);
  watch(
    options,
    (opts) => {
      if (!opts.some((o) => o.value === teamId.value)) teamId.value = opts[0]?.value ?? null;
    },
    { immediate: true },
  );
  /** Only worth showing with a choice to make. */
  const choose = computed(() => options.value.length > 1);
  return { options, teamId, choose };
}
