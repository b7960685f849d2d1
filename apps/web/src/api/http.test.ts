import { afterEach, describe, expect, it } from "vitest";
import { ApiError, apiUrl, createFetchHttp, setCsrfToken, setUnauthenticatedHandler } from "./http.ts";

function recorder(status: number, body: unknown) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchImpl = ((url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
  }) as unknown as typeof fetch;
  return { calls, http: createFetchHttp(fetchImpl) };
}

describe("the fetch wrapper", () => {
  afterEach(() => {
    setCsrfToken(null);
    setUnauthenticatedHandler(undefined);
  });

  it("builds URLs under the API base without empty parameters", () => {
    expect(apiUrl("/projects/1/threats", { severity: "high", q: "", triage: undefined, offset: 0 })).toBe(
      "/api/v1/projects/1/threats?severity=high&offset=0",
    );
  });

  it("sends JSON and the CSRF token on unsafe methods only", async () => {
    const { calls, http } = recorder(200, { ok: true });
    setCsrfToken("tok");
    await http("POST", "/projects", { json: { name: "x" } });
    await http("GET", "/projects");
    const post = calls[0]!.init.headers as Record<string, string>;
    expect(post["x-csrf-token"]).toBe("tok");
    expect(post["content-type"]).toBe("application/json");
    expect(calls[0]!.init.body).toBe('{"name":"x"}');
    expect((calls[1]!.init.headers as Record<string, string>)["x-csrf-token"]).toBeUndefined();
  });

  it("turns the error envelope into an ApiError with the stable code", async () => {
    const { http } = recorder(404, { error: { code: "project/not-found", message: "No such project." } });
    const error = await http("GET", "/projects/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "project/not-found", status: 404 });
  });

  it("tells the app when the session is gone", async () => {
    let told = 0;
    setUnauthenticatedHandler(() => told++);
    const { http } = recorder(401, { error: { code: "auth/unauthenticated", message: "Sign in" } });
    await http("GET", "/projects").catch(() => undefined);
    expect(told).toBe(1);
  });

  it("reports an unreachable server as network/offline", async () => {
    const http = createFetchHttp(() => Promise.reject(new TypeError("fetch failed")));
    await expect(http("GET", "/projects")).rejects.toMatchObject({ code: "network/offline" });
  });
});
