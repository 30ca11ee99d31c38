// The quiz gate's steps as one flow, run on each LMS fixture (the Moodle-like test LMS, the Canvas emulator): the
// student starts from Invigil's page wherever the LMS put it, the extension types the password once recording
// reached the server, the quiz accepts it, the password never rides in an address, submission ends the attempt and
// the extension lets go. Each LMS says only how its pages are driven.
import { and, eq } from 'drizzle-orm';
import type { Frame, Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { attemptEvents, attempts, chunks } from '../../models/schema.ts';
import type { launchChromium } from './chromium.ts';
import type { TestInvigil } from './invigil.ts';
import { extensionStatus, startFromToolPage } from './student.ts';
import { until } from './wait.ts';

type Chromium = Awaited<ReturnType<typeof launchChromium>>;

export type GateLms = {
  invigil: TestInvigil;
  /** Opens the proctored link as this student; Invigil's start page (a tab, or a frame of the course page). */
  launch(chromium: Chromium, user: string): Promise<Page | Frame>;
  /** The quiz tab the extension opened. */
  quizTab(chromium: Chromium): Promise<Page>;
  /** The student's press that asks for the password (Moodle's start button, Canvas's "Take the Quiz"). */
  askForPassword(tab: Page): Promise<void>;
  /** Waits for the quiz's attempt page (the password was taken). */
  attemptPage(tab: Page): Promise<void>;
  /** The student submits the quiz, LMS's way. */
  submit(tab: Page): Promise<void>;
};

const eventsOf = (invigil: TestInvigil, attemptId: string, type: 'gate_password_issued' | 'gate_password_accepted') =>
  invigil.db.select().from(attemptEvents).where(and(eq(attemptEvents.attemptId, attemptId), eq(attemptEvents.type, type)));

/** Start to the attempt page, through the gate; returns what the LMS-specific checks need. */
export async function throughTheGate(chromium: Chromium, lms: GateLms, user: string, password: () => Promise<string> | string) {
  const attemptId = await startFromToolPage(chromium, await lms.launch(chromium, user));
  const tab = await lms.quizTab(chromium);
  const addresses: string[] = [];
  tab.on('request', (request) => addresses.push(request.url()));
  await tab.bringToFront();
  await lms.askForPassword(tab);
  await lms.attemptPage(tab);
  // Recording reached the server before the password was handed out.
  const [issued] = await eventsOf(lms.invigil, attemptId, 'gate_password_issued');
  const firstChunks = await lms.invigil.db.select().from(chunks).where(and(eq(chunks.attemptId, attemptId), eq(chunks.uploaded, true)));
  expect(firstChunks.some((c) => c.createdAt <= issued.occurredAt)).toBe(true);
  await until('the quiz to report the password accepted', async () => (await eventsOf(lms.invigil, attemptId, 'gate_password_accepted')).length === 1, 30_000);
  const typed = await password();
  return {
    attemptId, tab, issued,
    /** The password never rode in an address the quiz tab asked for. */
    passwordInAddresses: () => addresses.filter((a) => a.includes(typed)),
  };
}

/** Submits, and waits for the server to finish the attempt and the extension to let go of the browser. */
export async function submitAndRelease(chromium: Chromium, lms: GateLms, tab: Page, attemptId: string) {
  await lms.submit(tab);
  await until('the attempt to finish on the server', async () => (await lms.invigil.db.select().from(attempts).where(eq(attempts.id, attemptId)))[0].status === 'finished', 60_000);
  await until('the extension to let go', async () => (await extensionStatus(chromium)).attempt === null, 60_000);
}
