import { PASSWORD_MIN } from "@threatline/domain";
import type { SessionState } from "../api/client.ts";

/** What the signed-in person may manage in Settings; the API checks every call again. */
export interface AccountPermissions {
  /** Instance administrator: users, creating teams, every team's members and budget. */
  manageUsers: boolean;
  createTeams: boolean;
  /** Team admin of at least one team, or an instance administrator. */
  manageTeams: boolean;
  /** Whether this person may change the members and budget of one team. */
  canAdminTeam(teamId: string): boolean;
}

export function accountPermissions(session: SessionState | null): AccountPermissions {
  const isAdmin = session?.user?.isAdmin === true;
  const adminOf = new Set((session?.teams ?? []).filter((t) => t.role === "admin").map((t) => t.id));
  return {
    manageUsers: isAdmin,
    createTeams: isAdmin,
    manageTeams: isAdmin || adminOf.size > 0,
    canAdminTeam: (teamId) => isAdmin || adminOf.has(teamId),
  };
}

const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/**
 * A first password for a new account, handed over by the administrator: 20 characters from an alphabet
 * without look-alikes (no 0/O, 1/l/I), about 116 bits. Rejection sampling keeps every character equally likely.
 */
export function generatePassword(
  length = 20,
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const n = Math.max(length, PASSWORD_MIN);
  const limit = 256 - (256 % ALPHABET.length);
  let out = "";
  while (out.length < n) {
    for (const byte of random(new Uint8Array(n * 2))) {
      if (byte < limit && out.length < n) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

/** Spend against a monthly budget, as a percentage for a progress bar (capped at 100) and a state for its colour. */
export function budgetUse(
  spentUsd: number,
  budgetUsd: number | null,
): { percent: number; state: "none" | "ok" | "warning" | "spent" } {
  if (budgetUsd === null) return { percent: 0, state: "none" };
  if (budgetUsd <= 0 || spentUsd >= budgetUsd) return { percent: 100, state: "spent" };
  const percent = Math.min(100, Math.round((spentUsd / budgetUsd) * 1000) / 10);
  return { percent, state: percent >= 80 ? "warning" : "ok" };
}
