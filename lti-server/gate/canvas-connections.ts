// Canvas's REST API as Invigil reaches it: an admin enters the school's API developer key once (per Canvas
// registration), and an instructor authorises Invigil on their course through OAuth2 (the refresh token is kept,
// encrypted with the install's key). A quiz gets an API only on its own course, at the key's own Canvas address.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { CanvasQuiz } from '../../models/lms-quiz.ts';
import { canvasApiKeys, canvasAuthorizations } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { decryptDocument, encryptDocument } from '../lti/database-plugin.ts';
import { canvasOAuth, canvasQuizApi, type CanvasQuizApi } from './canvas-api.ts';

export const canvasApiKeyInput = z.object({
  issuer: z.string().min(1).max(500).default('https://canvas.instructure.com'),
  /** The LTI developer key's client id (which school's Canvas). */
  clientId: z.string().min(1).max(100),
  siteUrl: z.url({ protocol: /^https$/ }).max(500),
  apiClientId: z.string().regex(/^[0-9]{1,30}$/, 'a Canvas developer key id is digits (Admin › Developer Keys)'),
  apiSecret: z.string().min(16).max(200),
});
export type CanvasApiKeyInput = z.infer<typeof canvasApiKeyInput>;

/** A course of one Canvas registration: who asks for its API. */
export type CanvasCourse = { issuer: string; clientId: string; courseId: string };
const hash = (state: string) => createHash('sha256').update(state).digest('hex');

/** Access tokens live an hour: kept in memory per process, refreshed from the stored refresh token when needed. */
type CachedToken = { token: string; expiresAt: number };

export function canvasConnectionStore(db: Database, key: string) {
  const tokens = new Map<string, CachedToken>();
  const courseKey = (c: CanvasCourse) => `${c.issuer}|${c.clientId}|${c.courseId}`;
  const whereCourse = (c: CanvasCourse) => and(eq(canvasAuthorizations.issuer, c.issuer), eq(canvasAuthorizations.clientId, c.clientId), eq(canvasAuthorizations.courseId, c.courseId));

  async function apiKey(issuer: string, clientId: string) {
    const [row] = await db.select().from(canvasApiKeys).where(and(eq(canvasApiKeys.issuer, issuer), eq(canvasApiKeys.clientId, clientId)));
    return row ? { siteUrl: row.siteUrl, apiClientId: row.apiClientId, apiSecret: String(decryptDocument(row.apiSecretEncrypted, key).secret) } : undefined;
  }

  return {
    async saveApiKey(input: CanvasApiKeyInput) {
      const row = { issuer: input.issuer, clientId: input.clientId, siteUrl: input.siteUrl.replace(/\/$/, ''), apiClientId: input.apiClientId, apiSecretEncrypted: encryptDocument({ secret: input.apiSecret }, key), updatedAt: new Date() };
      await db.insert(canvasApiKeys).values(row).onConflictDoUpdate({ target: [canvasApiKeys.issuer, canvasApiKeys.clientId], set: row });
      return { issuer: row.issuer, clientId: row.clientId, siteUrl: row.siteUrl, apiClientId: row.apiClientId };
    },
    async listApiKeys() {
      return db.select({ issuer: canvasApiKeys.issuer, clientId: canvasApiKeys.clientId, siteUrl: canvasApiKeys.siteUrl, apiClientId: canvasApiKeys.apiClientId, updatedAt: canvasApiKeys.updatedAt }).from(canvasApiKeys);
    },
    apiKey,
    /** Whether the course's API is set up: no key, a key but no authorisation, or authorised (by whom). */
    async status(course: CanvasCourse): Promise<{ key: false } | { key: true; siteUrl: string; authorizedBy?: string; authorizedAt?: Date }> {
      const k = await apiKey(course.issuer, course.clientId);
      if (!k) return { key: false };
      const [row] = await db.select().from(canvasAuthorizations).where(whereCourse(course));
      return { key: true, siteUrl: k.siteUrl, ...(row?.refreshTokenEncrypted ? { authorizedBy: row.canvasUserName ?? row.authorizedBy, authorizedAt: row.authorizedAt ?? undefined } : {}) };
    },
    /** Starts an authorisation: the Canvas address to send the instructor to, with a one-time state. */
    async beginAuthorization(course: CanvasCourse, userId: string, redirectUri: string, signState: (nonce: string) => Promise<string>) {
      const k = await apiKey(course.issuer, course.clientId);
      if (!k) return undefined;
      const state = await signState(randomBytes(16).toString('hex'));
      const pending = { ...course, authorizedBy: userId, pendingStateHash: hash(state), updatedAt: new Date() };
      await db.insert(canvasAuthorizations).values(pending).onConflictDoUpdate({ target: [canvasAuthorizations.issuer, canvasAuthorizations.clientId, canvasAuthorizations.courseId], set: { pendingStateHash: pending.pendingStateHash, updatedAt: pending.updatedAt } });
      return canvasOAuth(k).authorizeUrl(redirectUri, state);
    },
    /** Canvas sent the instructor back with a code: trade it for a refresh token, once per state. */
    async finishAuthorization(course: CanvasCourse, userId: string, state: string, code: string, redirectUri: string) {
      const k = await apiKey(course.issuer, course.clientId);
      if (!k) throw new Error('No Canvas API key is set up for this school any more.');
      const [claimed] = await db.update(canvasAuthorizations).set({ pendingStateHash: null }).where(and(whereCourse(course), eq(canvasAuthorizations.pendingStateHash, hash(state)))).returning();
      if (!claimed) throw new Error('This authorisation was already used or replaced by a newer one. Start again from Invigil.');
      const answer = await canvasOAuth(k).exchangeCode(code, redirectUri);
      if (!answer.refresh_token) throw new Error('Canvas gave no refresh token.');
      await db.update(canvasAuthorizations).set({
        refreshTokenEncrypted: encryptDocument({ refreshToken: answer.refresh_token }, key), canvasUserName: answer.user?.name ?? null,
        authorizedBy: userId, authorizedAt: new Date(), updatedAt: new Date(),
      }).where(whereCourse(course));
      tokens.set(courseKey(course), { token: answer.access_token, expiresAt: Date.now() + (answer.expires_in ?? 3600) * 1000 - 60_000 });
      return { canvasUserName: answer.user?.name };
    },
    /**
     * The API for a gated quiz, when its course is authorised and the quiz lives on the key's Canvas, in the course
     * the registration launched from. `refresh` drops the cached access token first (after a 401).
     */
    async quizApi(course: CanvasCourse, quiz: CanvasQuiz, options: { refresh?: boolean } = {}): Promise<CanvasQuizApi | undefined> {
      const k = await apiKey(course.issuer, course.clientId);
      if (!k || new URL(k.siteUrl).origin !== quiz.origin || quiz.courseId !== course.courseId) return undefined;
      const [row] = await db.select().from(canvasAuthorizations).where(whereCourse(course));
      if (!row?.refreshTokenEncrypted) return undefined;
      let cached = options.refresh ? undefined : tokens.get(courseKey(course));
      if (!cached || cached.expiresAt < Date.now()) {
        const answer = await canvasOAuth(k).refresh(String(decryptDocument(row.refreshTokenEncrypted, key).refreshToken));
        cached = { token: answer.access_token, expiresAt: Date.now() + (answer.expires_in ?? 3600) * 1000 - 60_000 };
        tokens.set(courseKey(course), cached);
      }
      return canvasQuizApi(quiz, cached.token);
    },
  };
}
export type CanvasConnectionStore = ReturnType<typeof canvasConnectionStore>;
