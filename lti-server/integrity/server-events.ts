// An event the server itself records on an attempt's timeline (source "server": no client id can reach it).
import { randomUUID } from 'node:crypto';
import type { ServerEventType } from '../../models/events.ts';
import { attemptEvents } from '../../models/schema.ts';
import type { Database } from '../database.ts';

export async function recordServerEvent(db: Database, attemptId: string, type: ServerEventType, details: Record<string, unknown> & { summary: string }) {
  await db.insert(attemptEvents).values({ attemptId, source: 'server', clientEventId: `${type}-${randomUUID()}`, type, occurredAt: new Date(), details }).onConflictDoNothing();
}
