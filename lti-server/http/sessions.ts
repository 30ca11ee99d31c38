// Tool page sessions (models/schema.ts appSessions). A launch makes one and hands the browser a one-time code in
// the redirect; the first page load trades it for an HttpOnly cookie named after the course, so a teacher with two
// courses open keeps both. Links carry only the course's short, non-secret scope (`c=`).
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { appSessions } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { hashSecret as hash } from './tokens.ts';

export const sessionSeconds = 4 * 3600;
const codeSeconds = 60;
const secret = () => randomBytes(32).toString('base64url');

/** A course's scope: the same for every launch from it, different for every course. */
export const scopeOf = (launch: { issuer: string; deploymentId: string; contextId: string | null }) =>
  createHash('sha256').update(`${launch.issuer}\n${launch.deploymentId}\n${launch.contextId ?? ''}`).digest('hex').slice(0, 16);
export const cookieName = (scope: string) => `invigil_${scope}`;

export type AppSession = typeof appSessions.$inferSelect;

/** A launch's new session; the user's older sessions in the same course end (one live session per user and course). */
export async function startSession(db: Database, launch: { id: string; userId: string; issuer: string; deploymentId: string; contextId: string | null }, now = new Date()) {
  const scope = scopeOf(launch);
  const code = secret();
  const [session] = await db.insert(appSessions).values({
    launchId: launch.id, scope, userId: launch.userId, codeHash: hash(code), codeExpiresAt: new Date(now.getTime() + codeSeconds * 1000),
    csrfToken: secret(), expiresAt: new Date(now.getTime() + sessionSeconds * 1000),
  }).returning();
  await db.update(appSessions).set({ revokedAt: now })
    .where(and(eq(appSessions.scope, scope), eq(appSessions.userId, launch.userId), ne(appSessions.id, session.id), isNull(appSessions.revokedAt)));
  return { scope, code };
}

/** Trades a one-time code for the session's cookie token, once, within a minute of the launch. */
export async function redeemCode(db: Database, scope: string, code: string, now = new Date()) {
  const token = secret();
  const [session] = await db.update(appSessions).set({ tokenHash: hash(token), codeHash: null, codeExpiresAt: null })
    .where(and(eq(appSessions.codeHash, hash(code)), eq(appSessions.scope, scope), gt(appSessions.codeExpiresAt, now), isNull(appSessions.revokedAt)))
    .returning();
  return session && { session, token };
}

/** The live session a cookie token names. */
export async function findSession(db: Database, token: string, now = new Date()): Promise<AppSession | undefined> {
  const [session] = await db.select().from(appSessions)
    .where(and(eq(appSessions.tokenHash, hash(token)), gt(appSessions.expiresAt, now), isNull(appSessions.revokedAt)));
  return session;
}

/**
 * Moves a session to a new window (the LMS's iframe cannot show the camera or screen prompt, or its cookie is
 * partitioned away from a top-level window): a fresh one-time code for the same session; redeeming it replaces the
 * cookie token, so the session lives in one place only.
 */
export async function handOffSession(db: Database, session: AppSession, now = new Date()) {
  const code = secret();
  await db.update(appSessions).set({ codeHash: hash(code), codeExpiresAt: new Date(now.getTime() + codeSeconds * 1000) }).where(eq(appSessions.id, session.id));
  return code;
}

/** Withdraws an unused one-time code (a spare the cookie made unnecessary). */
export async function dropCode(db: Database, scope: string, code: string) {
  await db.update(appSessions).set({ codeHash: null, codeExpiresAt: null }).where(and(eq(appSessions.codeHash, hash(code)), eq(appSessions.scope, scope)));
}
