// An LMS's web services as an admin connected them: one per registered platform (its issuer), the token encrypted
// at rest with the install's key, readable only here.
import { eq } from 'drizzle-orm';
import { lmsConnections } from '../../models/schema.ts';
import type { Database } from '../database.ts';
import { decryptDocument, encryptDocument } from '../lti/database-plugin.ts';
import { z } from 'zod';
import { moodleWebServices, type MoodleWebServices } from './moodle-web-services.ts';
import { canvasConnectionStore } from './canvas-connections.ts';

export const lmsConnectionInput = z.object({
  issuer: z.string().min(1).max(500),
  /** The Moodle site's address; the issuer when left out (Moodle's issuer is its site address). */
  siteUrl: z.url({ protocol: /^https?$/ }).max(500).optional(),
  token: z.string().regex(/^[A-Za-z0-9]{16,128}$/, 'a Moodle web-service token is letters and digits (Site administration › Server › Web services › Manage tokens)'),
});

export type LmsConnectionInput = { issuer: string; siteUrl: string; token: string };

/** Saves a connection only once the token works: a wrong token or address is told now, not at the next exam. */
export async function connectMoodle(store: LmsConnectionStore, input: z.infer<typeof lmsConnectionInput>) {
  const siteUrl = input.siteUrl ?? input.issuer;
  await moodleWebServices(siteUrl, input.token).check();
  return store.save({ issuer: input.issuer, siteUrl, token: input.token });
}

export function lmsConnectionStore(db: Database, key: string) {
  return {
    /** Canvas: the school's API key and the instructors' authorisations (gate/canvas-connections.ts). */
    canvas: canvasConnectionStore(db, key),
    async save({ issuer, siteUrl, token }: LmsConnectionInput) {
      const row = { issuer, kind: 'moodle' as const, siteUrl: siteUrl.replace(/\/$/, ''), tokenEncrypted: encryptDocument({ token }, key), updatedAt: new Date() };
      await db.insert(lmsConnections).values(row).onConflictDoUpdate({ target: lmsConnections.issuer, set: row });
      return { issuer, siteUrl: row.siteUrl };
    },
    async remove(issuer: string) {
      const removed = await db.delete(lmsConnections).where(eq(lmsConnections.issuer, issuer)).returning({ issuer: lmsConnections.issuer });
      return removed.length > 0;
    },
    /** Which platforms have a connection, without their tokens. */
    async list() {
      return db.select({ issuer: lmsConnections.issuer, kind: lmsConnections.kind, siteUrl: lmsConnections.siteUrl, updatedAt: lmsConnections.updatedAt }).from(lmsConnections);
    },
    /** The web services of a platform's LMS, if an admin connected them. */
    async moodle(issuer: string): Promise<MoodleWebServices | undefined> {
      const [row] = await db.select().from(lmsConnections).where(eq(lmsConnections.issuer, issuer));
      if (!row) return undefined;
      return moodleWebServices(row.siteUrl, String(decryptDocument(row.tokenEncrypted, key).token));
    },
  };
}
export type LmsConnectionStore = ReturnType<typeof lmsConnectionStore>;
