import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { provideApi, type ApiTokenDto, type CreateTokenInput } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { tokenStatus, useTokensStore } from "./tokens.store.ts";

function token(id: string, extra: Partial<ApiTokenDto> = {}): ApiTokenDto {
  return {
    id,
    name: id,
    prefix: `tl_${id}`,
    teamId: null,
    scopes: ["read"],
    createdAt: "2026-11-20T10:00:00.000Z",
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...extra,
  };
}

describe("tokens store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("creates a token: it heads the list without its value, and the value is exposed once", async () => {
    const sent: CreateTokenInput[] = [];
    provideApi(
      fakeApi({
        listTokens: () => Promise.resolve([token("old")]),
        createToken: (input) => {
          sent.push(input);
          return Promise.resolve({
            ...token("new", { name: input.name, scopes: input.scopes }),
            token: "tl_secret-value",
          });
        },
      }).api,
    );
    const store = useTokensStore();
    await store.load();
    const created = await store.create({ name: "ci", scopes: ["read", "submit"], expiresInDays: 30 });
    expect(sent).toEqual([{ name: "ci", scopes: ["read", "submit"], expiresInDays: 30 }]);
    expect(created?.token).toBe("tl_secret-value");
    expect(store.created?.token).toBe("tl_secret-value");
    expect(store.items.map((t) => t.id)).toEqual(["new", "old"]);
    expect(store.items[0]).not.toHaveProperty("token");
    store.dismissSecret();
    expect(store.created).toBeNull();
  });

  it("keeps the refusal for the form and adds nothing", async () => {
    provideApi(
      fakeApi({ createToken: () => Promise.reject(new ApiError("request/invalid", "No such team.", 400)) }).api,
    );
    const store = useTokensStore();
    expect(await store.create({ name: "x", scopes: ["read"], teamId: "t9" })).toBeNull();
    expect(store.createError?.code).toBe("request/invalid");
    expect(store.items).toEqual([]);
    expect(store.created).toBeNull();
  });

  it("revokes a token: the row is kept, marked revoked", async () => {
    const revoked: string[] = [];
    provideApi(
      fakeApi({
        listTokens: () => Promise.resolve([token("a"), token("b")]),
        revokeToken: (id) => {
          revoked.push(id);
          return Promise.resolve(token(id, { revokedAt: "2026-11-26T11:00:00.000Z" }));
        },
      }).api,
    );
    const store = useTokensStore();
    await store.load();
    expect(await store.revoke("b")).toBe(true);
    expect(revoked).toEqual(["b"]);
    expect(store.items.map((t) => tokenStatus(t))).toEqual(["active", "revoked"]);
  });

  it("tells expired tokens from active ones", () => {
    const now = new Date("2026-11-26T12:00:00.000Z");
    expect(tokenStatus(token("a", { expiresAt: "2026-11-26T11:59:00.000Z" }), now)).toBe("expired");
    expect(tokenStatus(token("a", { expiresAt: "2026-12-26T00:00:00.000Z" }), now)).toBe("active");
  });
});
