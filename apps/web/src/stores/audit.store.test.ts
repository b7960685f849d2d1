import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { provideApi, type AuditEventDto, type AuditQueryInput } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { auditFiltersFromQuery, auditFiltersToApi, auditFiltersToQuery, useAuditStore } from "./audit.store.ts";

const event: AuditEventDto = {
  id: "e1",
  at: "2026-11-26T10:00:00.000Z",
  action: "auth.login",
  actor: { userId: "u1", email: "admin@example.com", tokenId: null },
  teamId: null,
  target: { type: "session", id: null },
  details: { ok: true },
  ip: "127.0.0.1",
};

describe("audit store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("puts the filters into the API query: action as a prefix, whole days for the range", async () => {
    const queries: AuditQueryInput[] = [];
    provideApi(
      fakeApi({
        listAudit: (query) => {
          queries.push(query);
          return Promise.resolve([event]);
        },
      }).api,
    );
    const store = useAuditStore();
    await store.load({ action: "auth", actor: " admin@example.com ", from: "2026-11-01", to: "2026-11-02" });
    expect(queries).toEqual([
      {
        limit: 200,
        action: "auth*",
        actor: "admin@example.com",
        from: new Date(2026, 10, 1).toISOString(),
        to: new Date(new Date(2026, 10, 3).getTime() - 1).toISOString(),
      },
    ]);
    expect(store.items).toEqual([event]);
    expect(store.filters.action).toBe("auth");
  });

  it("sends no filter it was not given, and keeps the API's own prefix markers", () => {
    expect(auditFiltersToApi({ action: "", actor: "", from: "", to: "" })).toEqual({ limit: 200 });
    expect(auditFiltersToApi({ action: "token.", actor: "", from: "", to: "" }).action).toBe("token.");
    expect(auditFiltersToApi({ action: "team.*", actor: "", from: "", to: "" }).action).toBe("team.*");
  });

  it("round-trips the filters through the URL query and drops malformed dates", () => {
    const filters = { action: "token.", actor: "u@x.io", from: "2026-11-01", to: "" };
    expect(auditFiltersToQuery(filters)).toEqual({ action: "token.", actor: "u@x.io", from: "2026-11-01" });
    expect(auditFiltersFromQuery(auditFiltersToQuery(filters))).toEqual(filters);
    expect(auditFiltersFromQuery({ from: "yesterday", to: ["2026-11-30"] })).toEqual({
      action: "",
      actor: "",
      from: "",
      to: "2026-11-30",
    });
  });

  it("keeps a refusal for the error state", async () => {
    provideApi(fakeApi({ listAudit: () => Promise.reject(new ApiError("auth/forbidden", "no", 403)) }).api);
    const store = useAuditStore();
    await store.load({ action: "", actor: "", from: "", to: "" });
    expect(store.error?.code).toBe("auth/forbidden");
    expect(store.items).toEqual([]);
  });
});
