import { defineStore } from "pinia";
import { ref } from "vue";
import { useApi, type SessionDto } from "../api/client.ts";
import { ApiError, setCsrfToken } from "../api/http.ts";
import { asyncState } from "./async.ts";

/**
 * Who is signed in. A server without accounts (no `/auth/session` route) counts as signed in, so the SPA
 * works against both.
 */
export const useSessionStore = defineStore("session", () => {
  const session = ref<SessionDto | null>(null);
  const checked = ref(false);
  const state = asyncState();
  const signingIn = asyncState();

  function apply(s: SessionDto) {
    session.value = s;
    setCsrfToken(s.csrfToken ?? null);
    checked.value = true;
  }

  async function load(): Promise<SessionDto | null> {
    try {
      apply(await useApi().session());
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) apply({ authenticated: true, user: null });
      else {
        state.error.value = e instanceof ApiError ? e : null;
        return null;
      }
    }
    return session.value;
  }

  async function login(email: string, password: string): Promise<boolean> {
    const result = await signingIn.run(() => useApi().login(email, password));
    if (result) apply(result);
    return result?.authenticated === true;
  }

  async function logout() {
    await useApi()
      .logout()
      .catch(() => undefined);
    apply({ authenticated: false });
  }

  function expire() {
    apply({ authenticated: false });
  }

  return {
    session,
    checked,
    error: state.error,
    signingIn: signingIn.loading,
    loginError: signingIn.error,
    load,
    login,
    logout,
    expire,
  };
});
