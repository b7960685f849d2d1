import type { z } from "zod";
import { AppError, type ChangePasswordSchema, type CreateUserSchema, type UserDto } from "@threatline/domain";
import { Prisma, type Db } from "@threatline/db";
import type { Actor } from "../auth/context.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { audit } from "./audit.service.ts";
import { normaliseEmail } from "./auth.service.ts";

function toDto(
  u: { id: string; email: string; name: string; isAdmin: boolean; lockedUntil: Date | null; createdAt: Date },
  now = new Date(),
): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    locked: !!u.lockedUntil && u.lockedUntil > now,
    createdAt: u.createdAt.toISOString(),
  };
}

function requireInstanceAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw new AppError("auth/forbidden", "Only an administrator can manage users.");
}

/** Every user (instance administrators only). */
export async function listUsers(db: Db, actor: Actor): Promise<UserDto[]> {
  requireInstanceAdmin(actor);
  return (await db.user.findMany({ orderBy: { email: "asc" } })).map((u) => toDto(u));
}

/** Creates a user with a password (instance administrators only); teams are granted separately. */
export async function createUser(db: Db, actor: Actor, input: z.infer<typeof CreateUserSchema>): Promise<UserDto> {
  requireInstanceAdmin(actor);
  try {
    const user = await db.user.create({
      data: {
        email: normaliseEmail(input.email),
        name: input.name,
        isAdmin: input.isAdmin,
        passwordHash: await hashPassword(input.password),
      },
    });
    await audit(
      { db, actor },
      "user.create",
      { type: "user", id: user.id },
      { email: user.email, isAdmin: user.isAdmin },
    );
    return toDto(user);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw new AppError("request/invalid", "A user with that e-mail exists.");
    throw error;
  }
}

/**
 * Changes the caller's own password after checking the current one, and ends their other sessions.
 * Counts as a failed login when the current password is wrong (it is a password oracle otherwise).
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  input: z.infer<typeof ChangePasswordSchema>,
  keepSessionId: string | null,
): Promise<void> {
  if (!actor.userId) throw new AppError("auth/unauthenticated", "Sign in first.");
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await audit({ db, actor }, "user.password.failed", { type: "user", id: user.id });
    throw new AppError("auth/invalid-credentials", "The current password is wrong.");
  }
  await db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(input.newPassword), failedLogins: 0, lockedUntil: null },
  });
  await db.session.deleteMany({ where: { userId: user.id, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
  await audit({ db, actor }, "user.password.change", { type: "user", id: user.id });
}

/** Unlocks an account locked by failed logins (instance administrators only). */
export async function unlockUser(db: Db, actor: Actor, userId: string): Promise<UserDto> {
  requireInstanceAdmin(actor);
  const found = await db.user.findUnique({ where: { id: userId } });
  if (!found) throw new AppError("request/not-found", "No such user.");
  const user = await db.user.update({ where: { id: userId }, data: { failedLogins: 0, lockedUntil: null } });
  await audit({ db, actor }, "user.unlock", { type: "user", id: userId });
  return toDto(user);
}

/**
 * Deletes a user (instance administrators only), with their sessions, tokens and memberships; their audit
 * events stay. Not oneself, and never the last administrator.
 */
export async function deleteUser(db: Db, actor: Actor, userId: string): Promise<void> {
  requireInstanceAdmin(actor);
  if (userId === actor.userId) throw new AppError("request/invalid", "You cannot delete yourself.");
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("request/not-found", "No such user.");
  if (user.isAdmin && (await db.user.count({ where: { isAdmin: true } })) <= 1)
    throw new AppError("request/invalid", "Threatline keeps at least one administrator.");
  await db.user.delete({ where: { id: userId } });
  await audit({ db, actor }, "user.delete", { type: "user", id: userId }, { email: user.email });
}
