import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { provideApi } from "../api/client.ts";
import { ApiError, createFetchHttp, setCsrfToken } from "../api/http.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { useSessionStore } from "./session.store.ts";

describe("session store", () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => setCsrfToken(null));

  it("signs in and sends the session's CSRF token on the next unsafe request", async () => {
    provideApi(
      fakeApi({
        login: () =>
          Promise.resolve({
            authenticated: true,
            via: "session",
            user: { id: "u", email: "a@b.c", name: "", isAdmin: true },
            teams: [],
            csrfToken: "csrf-1",
            scopes: ["read", "submit", "triage", "admin"],
          }),
      }).api,
    );
    const store = useSessionStore();
    expect(await store.login("a@b.c", "pw")).toBe(true);
    let sent: Record<string, string> = {};
    const http = createFetchHttp((_url, init) => {
      sent = init?.headers as Record<string, string>;
      return Promise.resolve(new Response("{}", { status: 200 }));
    });
    await http("POST", "/projects", { json: {} });
    expect(sent["x-csrf-token"]).toBe("csrf-1");
  });

  it("keeps the refusal's code for the form", async () => {
    provideApi(fakeApi({ login: () => Promise.reject(new ApiError("auth/invalid-credentials", "no", 401)) }).api);
    const store = useSessionStore();
    expect(await store.login("a@b.c", "bad")).toBe(false);
    expect(store.loginError?.code).toBe("auth/invalid-credentials");
  });

  it("treats a server without accounts as signed in", async () => {
    provideApi(fakeApi({ session: () => Promise.reject(new ApiError("request/not-found", "no route", 404)) }).api);
    const store = useSessionStore();
    expect((await store.load())?.authenticated).toBe(true);
  });

  it("reports a signed-out session", async () => {
    provideApi(fakeApi({ session: () => Promise.resolve({ authenticated: false }) }).api);
    const store = useSessionStore();
    expect((await store.load())?.authenticated).toBe(false);
  });
});
