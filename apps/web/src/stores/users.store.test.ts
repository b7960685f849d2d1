import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { provideApi, type CreateUserInput, type UserDto } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { useUsersStore } from "./users.store.ts";

function user(email: string, extra: Partial<UserDto> = {}): UserDto {
  return {
    id: email.split("@")[0]!,
    email,
    name: "",
    isAdmin: false,
    locked: false,
    createdAt: "2026-11-20T10:00:00.000Z",
    ...extra,
  };
}

describe("users store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("creates a user: sends the first password once and keeps the list sorted by e-mail", async () => {
    const sent: CreateUserInput[] = [];
    provideApi(
      fakeApi({
        listUsers: () => Promise.resolve([user("alice@x.test"), user("zed@x.test")]),
        createUser: (input) => {
          sent.push(input);
          return Promise.resolve(user(input.email, { name: input.name ?? "" }));
        },
      }).api,
    );
    const store = useUsersStore();
    await store.load();
    const created = await store.create({
      email: "mia@x.test",
      name: "Mia",
      password: "a long first password",
      isAdmin: false,
    });
    expect(created?.email).toBe("mia@x.test");
    expect(sent).toEqual([{ email: "mia@x.test", name: "Mia", password: "a long first password", isAdmin: false }]);
    expect(store.items.map((u) => u.email)).toEqual(["alice@x.test", "mia@x.test", "zed@x.test"]);
    expect(store.items.some((u) => "password" in u)).toBe(false);
  });

  it("keeps a refused creation's code for the form and adds nothing", async () => {
    provideApi(
      fakeApi({
        createUser: () => Promise.reject(new ApiError("request/invalid", "A user with that e-mail exists.", 400)),
      }).api,
    );
    const store = useUsersStore();
    expect(await store.create({ email: "a@x.test", password: "a long first password" })).toBeNull();
    expect(store.createError?.code).toBe("request/invalid");
    expect(store.items).toEqual([]);
  });

  it("unlocks a user in place and deletes one", async () => {
    provideApi(
      fakeApi({
        listUsers: () => Promise.resolve([user("a@x.test", { locked: true }), user("b@x.test")]),
        unlockUser: (id) => Promise.resolve(user(`${id}@x.test`, { locked: false })),
        deleteUser: () => Promise.resolve(undefined),
      }).api,
    );
    const store = useUsersStore();
    await store.load();
    expect(await store.unlock("a")).toBe(true);
    expect(store.items.map((u) => [u.email, u.locked])).toEqual([
      ["a@x.test", false],
      ["b@x.test", false],
    ]);
    expect(await store.remove("b")).toBe(true);
    expect(store.items.map((u) => u.email)).toEqual(["a@x.test"]);
  });

  it("keeps the row when the server refuses a deletion, with the code to explain it", async () => {
    provideApi(
      fakeApi({
        listUsers: () => Promise.resolve([user("a@x.test", { isAdmin: true })]),
        deleteUser: () =>
          Promise.reject(new ApiError("request/invalid", "Threatline keeps at least one administrator.", 400)),
      }).api,
    );
    const store = useUsersStore();
    await store.load();
    expect(await store.remove("a")).toBe(false);
    expect(store.actionError?.message).toContain("at least one administrator");
    expect(store.items).toHaveLength(1);
  });
});
