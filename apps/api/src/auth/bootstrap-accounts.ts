import type { Db } from "@threatline/db";
import type { AuthConfig } from "../config.ts";
import { audit } from "../services/audit.service.ts";
import { randomSecret, sha256Hex } from "./crypto.ts";
import { ensureDefaultTeam } from "./middleware.ts";
import { hashPassword } from "./passwords.ts";
import { SCOPES } from "./scopes.ts";

export interface BootstrapResult {
  /** The administrator created on this run, if any. */
  createdAdmin: { email: string; generatedPassword: string | null } | null;
  /** Whether the bootstrap token was provisioned on this run. */
  provisionedToken: boolean;
}

/**
 * First run: with no users, creates an administrator (from THREATLINE_ADMIN_EMAIL / THREATLINE_ADMIN_PASSWORD,
 * else `admin@localhost` with a generated password that `print` shows once) as admin of the Default team.
 * With THREATLINE_BOOTSTRAP_TOKEN, provisions that exact token (hash only) for the first administrator if no
 * token has that hash yet. Idempotent; safe for several processes starting at once (unique keys decide).
 */
export async function bootstrapAccounts(
  db: Db,
  config: Pick<AuthConfig, "THREATLINE_ADMIN_EMAIL" | "THREATLINE_ADMIN_PASSWORD" | "THREATLINE_BOOTSTRAP_TOKEN">,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<BootstrapResult> {
  const teamId = await ensureDefaultTeam(db);
  const result: BootstrapResult = { createdAdmin: null, provisionedToken: false };
  if ((await db.user.count()) === 0) {
    const email = (config.THREATLINE_ADMIN_EMAIL ?? "admin@localhost").toLowerCase();
    const generated = config.THREATLINE_ADMIN_PASSWORD ? null : randomSecret(18);
    const passwordHash = await hashPassword(config.THREATLINE_ADMIN_PASSWORD ?? generated!);
    const created = await db.user
      .create({
        data: {
          email,
          name: "Administrator",
          isAdmin: true,
          passwordHash,
          memberships: { create: { teamId, role: "admin" } },
        },
      })
      .catch(() => null); // another process won the race
    if (created) {
      result.createdAdmin = { email, generatedPassword: generated };
      await audit({ db, actor: null }, "user.bootstrap", { type: "user", id: created.id, teamId }, { email });
      // Printed, not logged: log pipelines keep lines forever, and this password must be seen once and changed.
      if (generated)
        print(
          `\nThreatline first run: administrator created.\n  e-mail:   ${email}\n  password: ${generated}\nSign in and change it; it is not shown again.\n\n`,
        );
    }
  }
  if (config.THREATLINE_BOOTSTRAP_TOKEN) {
    const tokenHash = sha256Hex(config.THREATLINE_BOOTSTRAP_TOKEN);
    if (!(await db.apiToken.findUnique({ where: { tokenHash } }))) {
      const owner = await db.user.findFirst({ where: { isAdmin: true }, orderBy: { createdAt: "asc" } });
      if (owner) {
        const token = await db.apiToken
          .create({
            data: {
              userId: owner.id,
              name: "bootstrap",
              prefix: config.THREATLINE_BOOTSTRAP_TOKEN.slice(0, 10),
              tokenHash,
              scopes: [...SCOPES],
            },
          })
          .catch(() => null);
        if (token) {
          result.provisionedToken = true;
          await audit({ db, actor: null }, "token.bootstrap", { type: "token", id: token.id }, { owner: owner.id });
        }
      }
    }
  }
  return result;
}
