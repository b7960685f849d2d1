import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { provideApi, type MemberDto, type Role, type TeamDto } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { useTeamsStore } from "./teams.store.ts";

const team = (id: string, role: Role | null = "admin"): TeamDto => ({
  id,
  name: id,
  role,
  createdAt: "2026-11-20T10:00:00.000Z",
});
const member = (email: string, role: Role): MemberDto => ({
  userId: email.split("@")[0]!,
  email,
  name: "",
  role,
  since: "2026-11-20T10:00:00.000Z",
});

describe("teams store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("creates a team into the sorted list", async () => {
    provideApi(
      fakeApi({
        listTeams: () => Promise.resolve([team("alpha"), team("omega")]),
        createTeam: (name) => Promise.resolve(team(name)),
      }).api,
    );
    const store = useTeamsStore();
    await store.load();
    await store.create("payments");
    expect(store.items.map((t) => t.name)).toEqual(["alpha", "omega", "payments"]);
  });

  it("adds a member, changes a role and removes a member of the selected team", async () => {
    const calls: string[] = [];
    provideApi(
      fakeApi({
        listMembers: (teamId) => Promise.resolve(teamId === "t1" ? [member("owner@x.test", "admin")] : []),
        addMember: (teamId, email, role) => {
          calls.push(`add ${teamId} ${email} ${role}`);
          return Promise.resolve(member(email, role));
        },
        changeRole: (teamId, userId, role) => {
          calls.push(`role ${teamId} ${userId} ${role}`);
          return Promise.resolve(member(`${userId}@x.test`, role));
        },
        removeMember: (teamId, userId) => {
          calls.push(`remove ${teamId} ${userId}`);
          return Promise.resolve(undefined);
        },
      }).api,
    );
    const store = useTeamsStore();
    await store.select("t1");
    expect(await store.addMember("dana@x.test", "viewer")).not.toBeNull();
    expect(store.members.map((m) => `${m.email}:${m.role}`)).toEqual(["dana@x.test:viewer", "owner@x.test:admin"]);
    expect(await store.changeRole("dana", "editor")).toBe(true);
    expect(store.members.map((m) => `${m.email}:${m.role}`)).toEqual(["dana@x.test:editor", "owner@x.test:admin"]);
    expect(await store.removeMember("dana")).toBe(true);
    expect(store.members.map((m) => m.email)).toEqual(["owner@x.test"]);
    expect(calls).toEqual(["add t1 dana@x.test viewer", "role t1 dana editor", "remove t1 dana"]);
  });

  it("keeps the role when the server refuses to demote the last admin", async () => {
    provideApi(
      fakeApi({
        listMembers: () => Promise.resolve([member("owner@x.test", "admin")]),
        changeRole: () => Promise.reject(new ApiError("request/invalid", "A team keeps at least one admin.", 400)),
      }).api,
    );
    const store = useTeamsStore();
    await store.select("t1");
    expect(await store.changeRole("owner", "viewer")).toBe(false);
    expect(store.actionError?.code).toBe("request/invalid");
    expect(store.members[0]?.role).toBe("admin");
  });

  it("shows the members of the team selected last, whatever order the answers come in", async () => {
    let releaseFirst: (m: MemberDto[]) => void = () => undefined;
    provideApi(
      fakeApi({
        listMembers: (teamId) =>
          teamId === "slow"
            ? new Promise<MemberDto[]>((resolve) => (releaseFirst = resolve))
            : Promise.resolve([member("fast@x.test", "admin")]),
      }).api,
    );
    const store = useTeamsStore();
    const first = store.select("slow");
    await store.select("fast");
    releaseFirst([member("slow@x.test", "admin")]);
    await first;
    expect(store.selectedId).toBe("fast");
    expect(store.members.map((m) => m.email)).toEqual(["fast@x.test"]);
  });

  it("says why a member could not be added", async () => {
    provideApi(
      fakeApi({
        listMembers: () => Promise.resolve([]),
        addMember: () =>
          Promise.reject(
            new ApiError("request/not-found", "No user with that e-mail; an administrator creates users first.", 404),
          ),
      }).api,
    );
    const store = useTeamsStore();
    await store.select("t1");
    expect(await store.addMember("ghost@x.test", "viewer")).toBeNull();
    expect(store.addError?.code).toBe("request/not-found");
    expect(store.members).toEqual([]);
  });
});
