// One-time Dynamic Registration links. An admin creates one from the command line; an LMS may register through it
// once, before it expires. Nobody else can make the server fetch anything or generate keys.
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { registrationInvites } from '../../models/schema.ts';
import { hashSecret as hash } from '../http/tokens.ts';

/** A registration that claimed an invite and died (a crash) frees it after this long. */
const claimTimeoutMs = 5 * 60_000;

export async function createInvite(db: Database, hours: number, now = new Date()) {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  await db.insert(registrationInvites).values({ tokenHash: hash(token), expiresAt });
  return { token, expiresAt };
}

/** The invite a link names, if it can still be used. */
export async function findInvite(db: Database, token: string, now = new Date()) {
  const [invite] = await db.select({ id: registrationInvites.id }).from(registrationInvites)
    .where(and(eq(registrationInvites.tokenHash, hash(token)), isNull(registrationInvites.usedAt), gt(registrationInvites.expiresAt, now)));
  return invite?.id;
}

/** Takes the invite for one registration, atomically: two at once cannot both use it. */
export async function claimInvite(db: Database, id: string, now = new Date()) {
  const [claimed] = await db.update(registrationInvites).set({ claimedAt: now })
    .where(and(eq(registrationInvites.id, id), isNull(registrationInvites.usedAt), gt(registrationInvites.expiresAt, now),
      or(isNull(registrationInvites.claimedAt), lt(registrationInvites.claimedAt, new Date(now.getTime() - claimTimeoutMs)))))
    .returning({ id: registrationInvites.id });
  return !!claimed;
}

/** The registration failed: the admin may retry with the same link. */
export async function releaseInvite(db: Database, id: string) {
  await db.update(registrationInvites).set({ claimedAt: null }).where(and(eq(registrationInvites.id, id), isNull(registrationInvites.usedAt)));
}

export async function useInvite(db: Database, id: string, platformIssuer: string, now = new Date()) {
  await db.update(registrationInvites).set({ usedAt: now, platformIssuer }).where(eq(registrationInvites.id, id));
}
