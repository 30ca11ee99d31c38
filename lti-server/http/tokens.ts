// Our own signed tokens, never signed with the ltijs key (ltijs accepts any bearer token signed with it).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export type TokenService = ReturnType<typeof createTokenService>;
/** An instructor authorising Invigil on a Canvas course. */
export type CanvasGrant = { issuer: string; clientId: string; courseId: string; userId: string };

/** Lifetime of an extension's attempt token: longer than any exam, short enough to be useless later. */
export const attemptTokenSeconds = 8 * 3600;
export const startTokenSeconds = 300;
export const adminPageSeconds = 3600;
export const adminLinkSeconds = 600;

export function createTokenService(appSecret: string) {
  // One derived key per purpose, so a token of one kind is never accepted as another.
  const keyFor = (purpose: string) => createHmac('sha256', appSecret).update(`invigil:${purpose}`).digest();
  const attemptKey = keyFor('attempt');
  const adminPageKey = keyFor('admin-page');
  const adminLinkKey = keyFor('admin-link');
  const canvasStateKey = keyFor('canvas-oauth-state');

  async function sign(key: Uint8Array, audience: string, subject: string, seconds: number, claims: Record<string, unknown> = {}) {
    return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setAudience(audience)
      .setIssuedAt().setExpirationTime(`${seconds}s`).sign(key);
  }
  async function verify(key: Uint8Array, audience: string, token: string) {
    try {
      const { payload } = await jwtVerify(token, key, { audience, algorithms: ['HS256'] });
      return payload;
    } catch {
      return undefined;
    }
  }

  return {
    attempt: {
      sign: (attemptId: string) => sign(attemptKey, 'invigil-extension', attemptId, attemptTokenSeconds),
      verify: async (token: string) => (await verify(attemptKey, 'invigil-extension', token))?.sub,
    },
    /** The admin page's session cookie: signed, an hour long, carrying the CSRF token its forms send back. */
    adminPage: {
      sign: (csrf: string) => sign(adminPageKey, 'invigil-admin-page', 'admin', adminPageSeconds, { csrf }),
      verify: async (token: string) => {
        const csrf = (await verify(adminPageKey, 'invigil-admin-page', token))?.csrf;
        return typeof csrf === 'string' ? csrf : undefined;
      },
    },
    /** A short-lived link into the admin page, printed by `npm run platform -- admin-link`. */
    adminLink: {
      sign: () => sign(adminLinkKey, 'invigil-admin-link', 'admin', adminLinkSeconds),
      verify: async (token: string) => (await verify(adminLinkKey, 'invigil-admin-link', token))?.sub === 'admin',
    },
    /** The OAuth2 `state` of an instructor's Canvas API authorisation: who, for which course (single use: canvas-connections.ts). */
    canvasState: {
      sign: (grant: CanvasGrant, nonce: string) => sign(canvasStateKey, 'invigil-canvas-oauth', grant.userId, 900, { ...grant, nonce }),
      verify: async (token: string): Promise<CanvasGrant | undefined> => {
        const p = await verify(canvasStateKey, 'invigil-canvas-oauth', token);
        return p && typeof p.issuer === 'string' && typeof p.clientId === 'string' && typeof p.courseId === 'string' && typeof p.userId === 'string'
          ? { issuer: p.issuer, clientId: p.clientId, courseId: p.courseId, userId: p.userId } : undefined;
      },
    },
    /** A single-use start token: random, stored only as a hash on the attempt. */
    newStartToken() {
      const token = randomBytes(32).toString('base64url');
      return { token, hash: hashSecret(token), expiresAt: new Date(Date.now() + startTokenSeconds * 1000) };
    },
    /** The key in an attempt's uninstall URL: random, stored only as a hash. */
    newRemovalKey() {
      const key = randomBytes(24).toString('base64url');
      return { key, hash: hashSecret(key) };
    },
  };
}

/** How a one-time secret (start token, removal key, session token, invite) is stored: its SHA-256, never itself. */
export function hashSecret(token: string) {
  return createHash('sha256').update(token).digest('hex');
}
