import { describe, expect, it } from "vitest";
import { PASSWORD_MIN, TOKEN_SCOPES, type SignedInSessionDto } from "@threatline/domain";
import { accountPermissions, budgetUse, generatePassword } from "./accounts.ts";

const signedIn = { authenticated: true as const, via: "session" as const, csrfToken: "c", scopes: [...TOKEN_SCOPES] };

describe("account permissions", () => {
  it("lets an instance administrator manage users, create teams and run every team", () => {
    const p = accountPermissions({
      ...signedIn,
      user: { id: "u", email: "a@x", name: "", isAdmin: true },
      teams: [],
    });
    expect([p.manageUsers, p.createTeams, p.manageTeams, p.canAdminTeam("any")]).toEqual([true, true, true, true]);
  });

  it("lets a team admin run only their teams, and nothing to an editor", () => {
    const teams: SignedInSessionDto["teams"] = [
      { id: "t1", name: "a", role: "admin" },
      { id: "t2", name: "b", role: "editor" },
    ];
    const p = accountPermissions({
      ...signedIn,
      user: { id: "u", email: "a@x", name: "", isAdmin: false },
      teams,
    });
    expect([p.manageUsers, p.createTeams, p.manageTeams]).toEqual([false, false, true]);
    expect([p.canAdminTeam("t1"), p.canAdminTeam("t2")]).toEqual([true, false]);
    const editor = accountPermissions({
      ...signedIn,
      user: { id: "u", email: "a@x", name: "", isAdmin: false },
      teams: [teams[1]!],
    });
    expect(editor.manageTeams).toBe(false);
    expect(accountPermissions(null).manageTeams).toBe(false);
  });
});

describe("generatePassword", () => {
  it("is long enough for the server, from the unambiguous alphabet, and different every time", () => {
    const a = generatePassword();
    expect(a.length).toBeGreaterThanOrEqual(PASSWORD_MIN);
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]+$/);
    expect(generatePassword()).not.toBe(a);
    expect(generatePassword(4).length).toBe(PASSWORD_MIN);
  });

  it("drops bytes that would bias the alphabet", () => {
    // 56 letters: bytes from 224 up would favour the first 32 letters, so they are skipped.
    let call = 0;
    const random = (b: Uint8Array) => b.fill(call++ === 0 ? 250 : 1);
    expect(generatePassword(12, random)).toBe("b".repeat(12));
  });
});

describe("budgetUse", () => {
  it("turns spend against a budget into a bar", () => {
    expect(budgetUse(5, null)).toEqual({ percent: 0, state: "none" });
    expect(budgetUse(2.5, 10)).toEqual({ percent: 25, state: "ok" });
    expect(budgetUse(8.5, 10)).toEqual({ percent: 85, state: "warning" });
    expect(budgetUse(12, 10)).toEqual({ percent: 100, state: "spent" });
    expect(budgetUse(0, 0)).toEqual({ percent: 100, state: "spent" });
  });
});
