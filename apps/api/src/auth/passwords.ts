import { hash, verify } from "@node-rs/argon2";

/**
 * Argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane). Parameters are stored in the hash, so
 * raising them later only affects new hashes.
 */
const OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id: a const enum, unreadable under verbatimModuleSyntax */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Password length bounds (long enough to resist guessing, short enough that hashing stays cheap) are shared with the SPA. */
export { PASSWORD_MAX, PASSWORD_MIN } from "@threatline/domain";

export async function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so that "no such user" costs as long as "wrong password".
let dummyHash: Promise<string> | undefined;

/** Checks a password against a stored hash; with no hash, burns the same time and answers false. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword("threatline-timing-equaliser");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
