import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { useApi, type SessionInfoDto } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** The signed-in user's own account: their password and their browser sessions. */
export const useAccountStore = defineStore("account", () => {
  const sessions = ref<SessionInfoDto[]>([]);
  const listing = asyncState();
  const changing = asyncState();
  const ending = asyncState();

  async function loadSessions() {
    const result = await listing.run(() => useApi().listSessions());
    if (result) sessions.value = result;
  }

  /** Changes the password; the server ends the other sessions, so the list is read again. */
  async function changePassword(currentPassword: string, newPassword: string): Promise<boolean> {
    const done = await changing.run(async () => {
      await useApi().changePassword(currentPassword, newPassword);
      return true;
    });
    if (done) await loadSessions();
    return done === true;
  }

  /** Ends every session but this one; answers how many ended, or null when refused. */
  async function endOthers(): Promise<number | null> {
    const result = await ending.run(() => useApi().endOtherSessions());
    if (!result) return null;
    sessions.value = sessions.value.filter((s) => s.current);
    return result.ended;
  }

  const others = computed(() => sessions.value.filter((s) => !s.current).length);

  return {
    sessions,
    others,
    loading: listing.loading,
    error: listing.error,
    changing: changing.loading,
    changeError: changing.error,
    ending: ending.loading,
    endError: ending.error,
    loadSessions,
    changePassword,
    endOthers,
  };
});
