import { defineStore, getActivePinia } from "pinia";
import { ref } from "vue";
import { useApi, type SessionState } from "../api/client.ts";
import { ApiError, setCsrfToken } from "../api/http.ts";
import { asyncState } from "./async.ts";
import { endSession } from "./pinia.ts";

/**
 * Who is signed in. A server without accounts (no `/auth/session` route) counts as signed in, so the SPA
 * works against both.
 */
export const useSessionStore = defineStore("session", () => {
  const pinia = getActivePinia();
  const session = ref<SessionState | null>(null);
  const checked = ref(false);
  const state = asyncState();
  const signingIn = asyncState();

  function apply(s: SessionState) {
    session.value = s;
    setCsrfToken(s.csrfToken ?? null);
    checked.value = true;
  }

  async function load(): Promise<SessionState | null> {
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

  /** Every store of the signed-in user is emptied (this one too), then the session is marked signed out. */
  function signedOut() {
    if (pinia) endSession(pinia);
    apply({ authenticated: false });
  }

  async function logout() {
    await useApi()
      .logout()
      .catch(() => undefined);
    signedOut();
  }

  /** The server answered 401: the session is gone, so is what it loaded. */
  function expire() {
    signedOut();
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
