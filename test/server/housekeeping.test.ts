// Housekeeping: expired LTI state, nonces and tokens, old launches and rate-limit counters go; what is still in
// use stays. Launches keep the claims the product uses, not the student's profile.
import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { housekeeping, launchRetentionDays } from '../../lti-server/jobs/housekeeping.ts';
import { launches, ltiDocuments, ltiNonces, rateLimitWindows } from '../../models/schema.ts';
import { launch } from '../support/flows.ts';
import { lmsTest } from '../support/fixtures.ts';

const test = lmsTest();
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe('housekeeping', () => {
  test('launches keep what the product uses, not the student\'s e-mail or profile', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const student = await launch(platform, { user: 'student-claims', name: 'Cleo Claims', role: 'learner', resource: resourceLinkId });
    expect(student.page.status).toBe(200);
    const [row] = await invigil.db.select().from(launches).where(eq(launches.userId, 'student-claims'));
    const stored = JSON.stringify(row.token);
    expect(stored).not.toContain('student-claims@example.edu');
    expect(stored).not.toContain('given_name');
    expect(row.token).toMatchObject({ iss: platform.issuer, platformContext: { resource: { id: resourceLinkId }, launchPresentation: { return_url: `${platform.issuer}/return` } } });
    expect(row.userName).toBe('Cleo Claims');
  });

  test('drops expired LTI documents, nonces, old launches and counters, and keeps current ones', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const { db } = invigil;
    const fresh = await launch(platform, { user: 'student-fresh', role: 'learner', resource: resourceLinkId });
    expect(fresh.page.status).toBe(200);
    const [old] = await db.insert(launches).values({
      userId: 'student-old', roles: [], issuer: platform.issuer, clientId: 'c', deploymentId: 'd', messageType: 'LtiResourceLinkRequest', token: {}, createdAt: daysAgo(launchRetentionDays + 1),
    }).returning();
    await db.insert(ltiDocuments).values([
      { collection: 'state', doc: { state: 'old' }, createdAt: daysAgo(1) },
      { collection: 'state', doc: { state: 'new' } },
      { collection: 'platform', doc: { platformUrl: 'kept-forever' }, createdAt: daysAgo(400) },
    ]);
    await db.insert(ltiNonces).values([{ nonce: 'old-nonce', createdAt: daysAgo(2) }, { nonce: 'new-nonce' }]);
    await db.insert(rateLimitWindows).values([{ key: 'old', windowStart: daysAgo(2), hits: 1 }, { key: 'new', windowStart: new Date(), hits: 1 }]);

    const result = await housekeeping(db);
    expect(result.launches).toBeGreaterThanOrEqual(1);
    expect(await db.select().from(launches).where(eq(launches.id, old.id))).toEqual([]);
    expect((await db.select().from(launches).where(eq(launches.userId, 'student-fresh'))).length).toBe(1);
    const states = await db.select().from(ltiDocuments).where(eq(ltiDocuments.collection, 'state'));
    expect(states.map((s) => s.doc.state)).not.toContain('old');
    expect(states.map((s) => s.doc.state)).toContain('new');
    expect((await db.select().from(ltiDocuments).where(sql`${ltiDocuments.doc}->>'platformUrl' = 'kept-forever'`)).length).toBe(1);
    expect((await db.select().from(ltiNonces)).map((n) => n.nonce)).toContain('new-nonce');
    expect((await db.select().from(ltiNonces)).map((n) => n.nonce)).not.toContain('old-nonce');
    expect((await db.select().from(rateLimitWindows)).map((w) => w.key)).toEqual(expect.arrayContaining(['new']));
    expect((await db.select().from(rateLimitWindows)).map((w) => w.key)).not.toContain('old');
  });
});
