// The review an integrity office acts on, through the real server, database, bucket and a real SMTP server: a
// recording with a crash hole placed right (stills and flags), side steps that never fail a recording, what an
// unfinished attempt says, decisions and outcomes with their audit trail, the course queue, the student's record
// and answer, email held while the SMTP server is down and sent later, and the exports (CSV, PDF).
import { createRequire } from 'node:module';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { attemptOutcomes, attempts, auditEntries, chunks, flagDecisions, flags, mailOutbox, recordings } from '../../models/schema.ts';
import { lmsTest } from '../support/fixtures.ts';
import { deepLinkQuiz, launch } from '../support/flows.ts';
import { freePort } from '../support/invigil.ts';
import { gapShape, lumaOf, seedGapRecording } from '../support/gap-recording.ts';
import { until } from '../support/wait.ts';
import { parseCsv } from '../../lti-server/review/csv.ts';

const require = createRequire(import.meta.url);
const smtpPort = await freePort();
/** What the tests of this file build on, in order (one LMS, one Invigil for the file). */
const state = { gapAttempt: '', riskyAttempt: '', laterAttempt: '', secondQuiz: '', afterHoleFlag: 0 };
const test = lmsTest({ environment: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'Invigil <proctoring@example.edu>' } });

async function startAttempt(platform: Parameters<typeof launch>[0], resource: string, user: string, name: string) {
  const student = await launch(platform, { user, name, role: 'learner', resource });
  const created = await student.browser.request(student.page.url.replace('/take?', '/attempts?'), { json: { acknowledged: true } });
  expect(created.status, created.body).toBeLessThan(300);
  return { ...student, attemptId: (JSON.parse(created.body) as { attemptId: string }).attemptId };
}

describe('the review of a recording with a crash hole', () => {
  test('places the flag after the hole and its picture at that moment; a flag at the very end does not fail the recording', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const { attemptId } = await startAttempt(platform, resourceLinkId, 'student-gap', 'Gail Gap');
    state.gapAttempt = attemptId;
    const seeded = await seedGapRecording(invigil, attemptId);
    expect(seeded.recording).toMatchObject({ status: 'ready', sideProblems: null });
    expect(seeded.recording.timeline).toHaveLength(2);
    expect(seeded.recording.timeline![1].wallStartMs).toBe(seeded.secondStart);

    // The still made for the flag shows the frame at its media time, and that frame is the one 10 s into the second segment.
    const [after] = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId));
    const pictured = await invigil.db.select().from(flags).where(eq(flags.attemptId, attemptId));
    const afterHole = pictured.find((f) => f.clientFlagId === 'after-hole')!;
    const atEnd = pictured.find((f) => f.clientFlagId === 'at-end')!;
    expect(afterHole.evidenceKey).toBeTruthy();
    expect(atEnd.evidenceKey, 'a flag at the very end still gets its picture').toBeTruthy();
    const reference = await lumaOf(invigil, after.objectKey!, seeded.expectedMediaMs);
    const still = await lumaOf(invigil, afterHole.evidenceKey!);
    const physical = gapShape.secondBase + gapShape.lumaPerSecond * gapShape.flagAfterHoleSeconds;
    expect(Math.abs(reference - physical), `frame luma ${reference} at ${seeded.expectedMediaMs} ms`).toBeLessThan(gapShape.lumaPerSecond * 1.5);
    expect(Math.abs(still - reference), `still ${still} vs frame ${reference}`).toBeLessThan(gapShape.lumaPerSecond);

    const teacher = await launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource: resourceLinkId });
    const data = JSON.parse((await teacher.browser.request(`${invigil.url}/app/attempts/${attemptId}/review.json?c=${teacher.scope}`)).body) as { flags: { id: number; mediaSeconds: { webcam?: number } }[]; recordings: { thumbnails: unknown[] }[] };
    const presented = data.flags.find((f) => f.id === afterHole.id)!;
    expect(Math.abs(presented.mediaSeconds.webcam! * 1000 - seeded.expectedMediaMs)).toBeLessThan(1000);
    expect(data.recordings[0].thumbnails.length).toBeGreaterThan(0);
    state.afterHoleFlag = afterHole.id;
  });
});

const explanation = (summary: string) => ({ model: 'test', thresholds: {}, scores: [], samples: 1, samplesHeld: 1, summary });
const teacherOf = (platform: Parameters<typeof launch>[0], resource: string) => launch(platform, { user: 'teacher-1', name: 'Tess Teacher', role: 'instructor', resource });
const rowsOf = (body: string) => [...body.matchAll(/<tr data-attempt="([^"]+)" data-risk="(\d+)">/g)].map((m) => ({ attemptId: m[1], risk: Number(m[2]) }));

describe('what an attempt that is not finished says', () => {
  test('in progress: what was uploaded; after the idle finalise: ended without submission, with when the extension went silent', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const { attemptId } = await startAttempt(platform, resourceLinkId, 'student-silent', 'Sid Silent');
    const silentAt = new Date(Date.now() - 20 * 60_000);
    await invigil.db.update(attempts).set({ status: 'in_progress', startedAt: silentAt, lastHeartbeatAt: silentAt }).where(eq(attempts.id, attemptId));
    // 140 chunks of 3 s were uploaded (no review file yet): 7 minutes.
    await invigil.db.insert(chunks).values(Array.from({ length: 140 }, (_, seq) => ({ attemptId, stream: 'webcam' as const, segment: 0, seq, objectKey: `k-${seq}`, bytes: 1, sha256: 'x', segmentStartedAt: silentAt, uploaded: true, createdAt: silentAt })));
    const teacher = await teacherOf(platform, resourceLinkId);
    const review = async () => (await teacher.browser.request(`${invigil.url}/app/attempts/${attemptId}/review?c=${teacher.scope}`)).body;
    expect(await review()).toContain('Recording in progress: 7 min uploaded.');

    await invigil.db.update(attempts).set({ status: 'unsubmitted' }).where(eq(attempts.id, attemptId));
    const ended = await review();
    expect(ended).toContain(`Ended without submission: the extension went silent at ${silentAt.toISOString().slice(11, 16)} UTC.`);
    const list = await teacher.browser.request(teacher.page.url);
    expect(list.body).toMatch(new RegExp(`data-attempt="${attemptId}">[\\s\\S]*?ended without submission`));
    await invigil.db.delete(attempts).where(eq(attempts.id, attemptId));
  });

  test('a failed stream says so on the review and in the list, and the retry makes it again', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const attemptId = state.gapAttempt;
    await invigil.db.update(recordings).set({ status: 'failed', error: 'ffmpeg could not read segment 1' }).where(eq(recordings.attemptId, attemptId));
    const teacher = await teacherOf(platform, resourceLinkId);
    const page = await teacher.browser.request(`${invigil.url}/app/attempts/${attemptId}/review?c=${teacher.scope}`);
    expect(page.body).toMatch(/class="notice error recording-failed" role="alert" data-stream="webcam"><p><strong>The Webcam recording could not be made\.<\/strong> ffmpeg could not read segment 1/i);
    const list = await teacher.browser.request(teacher.page.url);
    expect(list.body).toMatch(new RegExp(`data-attempt="${attemptId}">[\\s\\S]*?webcam recording failed`));
    const retried = await teacher.browser.request(`${invigil.url}/app/attempts/${attemptId}/recordings/webcam/retry?c=${teacher.scope}`, { form: {} });
    expect(retried.status).toBe(200);
    await until('the retried recording', async () => {
      const [r] = await invigil.db.select().from(recordings).where(eq(recordings.attemptId, attemptId));
      return r.status === 'ready' && r;
    }, 60_000);
    const audit = await invigil.db.select().from(auditEntries).where(eq(auditEntries.attemptId, attemptId));
    expect(audit.map((a) => a.action)).toContain('recording_retried');
  });
});

describe('deciding, the queue and the audit trail', () => {
  test('each decision is a new entry with who and when, audited; the queue is sorted by risk and filters', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    // A riskier attempt (a phone for a minute), and a later one of the first student in another proctored quiz of the course.
    const risky = await startAttempt(platform, resourceLinkId, 'student-risky', 'Rita Risky');
    state.riskyAttempt = risky.attemptId;
    const t = Date.now() - 60 * 60_000;
    await invigil.db.insert(flags).values({ attemptId: risky.attemptId, clientFlagId: 'phone-1', type: 'phone', severity: 'high', startedAt: new Date(t), endedAt: new Date(t + 60_000), explanation: explanation('A phone.') });
    const { resourceLinkId: secondLink } = await deepLinkQuiz(platform, { title: 'Final', quizUrl: `${platform.issuer}/mod/quiz/view.php?id=2`, recordWebcam: 'on', lockdownPreset: 'closed_book', policyText: 'No phones.', maxAttempts: '5' });
    const later = await startAttempt(platform, secondLink, 'student-gap', 'Gail Gap');
    state.laterAttempt = later.attemptId;
    const [laterAttempt] = await invigil.db.select().from(attempts).where(eq(attempts.id, later.attemptId));
    state.secondQuiz = laterAttempt.quizId;
    await invigil.db.insert(flags).values({ attemptId: later.attemptId, clientFlagId: 'face-1', type: 'face_not_visible', severity: 'low', startedAt: new Date(t), endedAt: new Date(t + 30_000), explanation: explanation('No face.') });

    const teacher = await teacherOf(platform, resourceLinkId);
    const queue = async (filters = '') => rowsOf((await teacher.browser.request(`${invigil.url}/app/course?c=${teacher.scope}${filters}`)).body);
    // Risk: phone 3 × 60 = 180; face 1 × 30 = 30; the gap attempt's two medium flags 2 × 5 each = 20.
    expect(await queue()).toEqual([{ attemptId: risky.attemptId, risk: 180 }, { attemptId: later.attemptId, risk: 30 }, { attemptId: state.gapAttempt, risk: 20 }]);

    // Decisions are made from the review page (its forms carry the session's CSRF token).
    await teacher.browser.request(`${invigil.url}/app/attempts/${state.gapAttempt}/review?c=${teacher.scope}`);
    const decide = (form: Record<string, string>) => teacher.browser.request(`${invigil.url}/app/flags/${state.afterHoleFlag}/decisions?c=${teacher.scope}`, { form });
    const refused = await decide({ decision: 'dismissed', reason: '', note: '' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Give a reason or a note for dismissing the flag.');
    expect(await invigil.db.select().from(flagDecisions)).toHaveLength(0);

    expect((await decide({ decision: 'dismissed', reason: 'Poor video, not cheating', note: '' })).status).toBe(200);
    // A dismissed flag leaves the score: 20 → 10.
    expect((await queue()).find((r) => r.attemptId === state.gapAttempt)!.risk).toBe(10);
    const revised = await decide({ decision: 'confirmed', reason: '', note: 'Second look: a second display is on.' });
    expect(revised.body).toMatch(/data-decision="confirmed"><strong>Confirmed<\/strong> — Second look: a second display is on\. \(Tess Teacher, /);
    expect(revised.body).toContain('Earlier decisions (1)');
    const decisions = await invigil.db.select().from(flagDecisions).orderBy(flagDecisions.id);
    expect(decisions.map((d) => [d.decision, d.reason, d.decidedBy])).toEqual([['dismissed', 'Poor video, not cheating', 'teacher-1'], ['confirmed', null, 'teacher-1']]);
    expect((await queue()).find((r) => r.attemptId === state.gapAttempt)!.risk).toBe(20);

    const outcome = (value: string, note = '') => teacher.browser.request(`${invigil.url}/app/attempts/${state.gapAttempt}/outcomes?c=${teacher.scope}`, { form: { outcome: value, note } });
    expect((await outcome('made_up')).status).toBe(400);
    await outcome('warning', 'First time; talked it through.');
    const page = await outcome('referred', 'On reflection, referred.');
    expect(page.body).toMatch(/class="current-outcome" data-outcome="referred"><strong>Referred to the Honor Council<\/strong>/);
    expect(page.body).toContain('Earlier outcomes (1)');
    const outcomes = await invigil.db.select().from(attemptOutcomes).where(eq(attemptOutcomes.attemptId, state.gapAttempt)).orderBy(attemptOutcomes.id);
    expect(outcomes.map((o) => o.outcome)).toEqual(['warning', 'referred']);

    const audit = await invigil.db.select().from(auditEntries).where(eq(auditEntries.attemptId, state.gapAttempt)).orderBy(auditEntries.id);
    const decided = audit.filter((a) => a.action === 'flag_decided' || a.action === 'outcome_decided');
    expect(decided.map((a) => [a.action, a.actorId, a.details.decision ?? a.details.outcome])).toEqual([
      ['flag_decided', 'teacher-1', 'dismissed'], ['flag_decided', 'teacher-1', 'confirmed'], ['outcome_decided', 'teacher-1', 'warning'], ['outcome_decided', 'teacher-1', 'referred'],
    ]);
    // Viewing the recording (the review's data) is audited, once per half hour per reviewer.
    expect(audit.filter((a) => a.action === 'recording_viewed').length).toBe(1);
    expect(page.body).toMatch(/<tr data-action="outcome_decided"><td>[^<]+<\/td><td>Tess Teacher<\/td>/);

    expect(await queue('&reviewed=no')).toEqual([{ attemptId: risky.attemptId, risk: 180 }, { attemptId: later.attemptId, risk: 30 }]);
    expect((await queue('&reviewed=yes')).map((r) => r.attemptId)).toEqual([state.gapAttempt]);
    expect((await queue('&flagType=phone')).map((r) => r.attemptId)).toEqual([risky.attemptId]);
    expect((await queue(`&quizId=${state.secondQuiz}`)).map((r) => r.attemptId)).toEqual([later.attemptId]);
    expect((await queue('&student=gail')).map((r) => r.attemptId)).toEqual([later.attemptId, state.gapAttempt]);

    // The same student's later attempt: a second occurrence, at a glance in the queue, the review and the history.
    const queuePage = (await teacher.browser.request(`${invigil.url}/app/course?c=${teacher.scope}`)).body;
    expect(queuePage).toMatch(new RegExp(`data-attempt="${later.attemptId}"[\\s\\S]*?class="badge error occurrence">Second occurrence`));
    const laterReview = (await teacher.browser.request(`${invigil.url}/app/attempts/${later.attemptId}/review?c=${teacher.scope}`)).body;
    expect(laterReview).toMatch(/id="occurrence" class="notice error">Second occurrence for this student in this course: earlier Referred to the Honor Council/);
    const history = (await teacher.browser.request(`${invigil.url}/app/course/students/student-gap?c=${teacher.scope}`)).body;
    expect([...history.matchAll(/<tr data-attempt="([^"]+)"/g)].map((m) => m[1])).toEqual([state.gapAttempt, later.attemptId]);
  });
});

describe('the student\'s side and the email', () => {
  test('the student sees the flags and the request, answers once, the instructor sees the answer; mail waits for the SMTP server', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const teacher = await teacherOf(platform, resourceLinkId);
    await teacher.browser.request(`${invigil.url}/app/attempts/${state.gapAttempt}/review?c=${teacher.scope}`);
    const asked = await teacher.browser.request(`${invigil.url}/app/attempts/${state.gapAttempt}/explanation-requests?c=${teacher.scope}`, { form: { flagId: String(state.afterHoleFlag), message: 'What was on the second display?', dueDays: '7' } });
    expect(asked.status).toBe(200);
    // The SMTP server is down: the job tries, fails, and the message waits in the outbox with the error.
    const waiting = await until('a failed try at the request email', async () => {
      const rows = await invigil.db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'explanation_requested'));
      return rows.length === 1 && rows[0].lastError && rows[0];
    }, 60_000);
    expect(waiting).toMatchObject({ to: 'student-gap@example.edu', sentAt: null });

    const student = await launch(platform, { user: 'student-gap', name: 'Gail Gap', role: 'learner', resource: resourceLinkId });
    const other = await launch(platform, { user: 'student-risky', name: 'Rita Risky', role: 'learner', resource: resourceLinkId });
    const record = (await student.browser.request(`${invigil.url}/app/my-record?c=${student.scope}`)).body;
    expect(record).toContain('What was on the second display?');
    expect(record).toMatch(/<strong>More than one display<\/strong> at/);
    expect(record).toMatch(/Your instructor: <strong>Confirmed<\/strong>/);
    expect(record).toMatch(/Decision: <strong data-outcome="referred">Referred to the Honor Council<\/strong>/);
    expect(record).toMatch(/<img src="[^"]+" width="160" alt="Camera frame when the flag began: More than one display">/);
    // Another student's attempt is not in this record.
    expect(record).not.toContain(state.riskyAttempt);
    const requestId = /data-request="([^"]+)"/.exec(record)![1];
    await other.browser.request(`${invigil.url}/app/my-record?c=${other.scope}`);
    const answer = (text: string) => student.browser.request(`${invigil.url}/app/explanation-requests/${requestId}/answer?c=${student.scope}`, { form: { answer: text } });
    expect((await answer('My TV was on; I unplugged it.')).body).toContain('Your explanation was sent to your instructor.');
    await answer('A second answer changes nothing.');
    expect((await other.browser.request(`${invigil.url}/app/explanation-requests/${requestId}/answer?c=${other.scope}`, { form: { answer: 'Not mine.' } })).status).toBe(403);

    const review = (await teacher.browser.request(`${invigil.url}/app/attempts/${state.gapAttempt}/review?c=${teacher.scope}`)).body;
    expect(review).toMatch(new RegExp(`id="flag-${state.afterHoleFlag}"[\\s\\S]*?class="answer" data-answer="${requestId}"><strong>The student's explanation</strong> \\([^)]+\\): My TV was on; I unplugged it\\.`));
    expect(review).not.toContain('A second answer');

    // The SMTP server comes up; the retry (played at its time) sends everything that waited.
    const received: ParsedMail[] = [];
    const smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) { simpleParser(stream).then((mail) => { received.push(mail); callback(); }, callback); },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
    try {
      await until('every waiting email sent', async () => {
        await invigil.queue.drainMail(new Date(Date.now() + 60 * 60_000));
        const unsent = (await invigil.db.select().from(mailOutbox)).filter((m) => !m.sentAt);
        return unsent.length === 0;
      }, 60_000);
      const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).map((a) => a?.text).join(',');
      const bySubject = new Map(received.map((m) => [m.subject, m]));
      expect(bySubject.get('Please explain: Midterm')?.text).toContain('What was on the second display?');
      expect(to(bySubject.get('Please explain: Midterm')!)).toBe('student-gap@example.edu');
      expect(to(bySubject.get('Proctoring review decided: Midterm')!)).toBe('student-gap@example.edu');
      expect(bySubject.get('Proctoring review decided: Midterm')?.text).toContain('Referred to the Honor Council');
      expect(to(bySubject.get('Gail Gap answered: Midterm')!)).toBe('teacher-1@example.edu');
      expect(bySubject.get('Gail Gap answered: Midterm')?.text).toContain('My TV was on; I unplugged it.');
      expect(received[0].from?.value[0]).toMatchObject({ name: 'Invigil', address: 'proctoring@example.edu' });
      // Two outcomes were decided: two emails, none lost, none doubled.
      expect(received.filter((m) => m.subject === 'Proctoring review decided: Midterm')).toHaveLength(2);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

describe('exports', () => {
  test('the course CSV has a row per flag (and per attempt without one) matching the database, and is audited', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const teacher = await teacherOf(platform, resourceLinkId);
    const response = await teacher.browser.request(`${invigil.url}/app/course/attempts.csv?c=${teacher.scope}`);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(response.body);
    const at = (name: string) => header.indexOf(name);
    const courseAttempts = await invigil.db.select().from(attempts);
    const flagRows = await invigil.db.select().from(flags);
    const decisions = await invigil.db.select().from(flagDecisions).orderBy(flagDecisions.id);
    const outcomes = await invigil.db.select().from(attemptOutcomes).orderBy(attemptOutcomes.id);
    expect(rows).toHaveLength(courseAttempts.reduce((n, a) => n + Math.max(1, flagRows.filter((f) => f.attemptId === a.id).length), 0));
    for (const f of flagRows) {
      const row = rows.find((r) => r[at('flag_id')] === String(f.id))!;
      expect(row[at('attempt_id')]).toBe(f.attemptId);
      expect(row[at('flag_type')]).toBe(f.type);
      expect(row[at('severity')]).toBe(f.severity);
      expect(row[at('flag_started_at')]).toBe(f.startedAt.toISOString());
      const decision = decisions.filter((d) => d.flagId === f.id).at(-1);
      expect(row[at('decision')]).toBe(decision ? { dismissed: 'Dismissed', confirmed: 'Confirmed' }[decision.decision] : '');
      const outcome = outcomes.filter((o) => o.attemptId === f.attemptId).at(-1);
      expect(row[at('outcome')]).toBe(outcome?.label ?? '');
    }
    expect(rows.find((r) => r[at('attempt_id')] === state.gapAttempt)![at('outcome_note')]).toBe('On reflection, referred.');

    const audit = await teacher.browser.request(`${invigil.url}/app/course/audit.csv?c=${teacher.scope}`);
    const [auditHeader, ...entries] = parseCsv(audit.body);
    const inDb = await invigil.db.select().from(auditEntries).orderBy(auditEntries.id);
    expect(entries.map((e) => e[auditHeader.indexOf('action')])).toEqual(inDb.map((e) => e.action));
    expect(inDb.filter((e) => e.action === 'course_exported').map((e) => e.details.file)).toEqual(['attempts.csv', 'audit.csv']);
  });

  test('the attempt report is a PDF with the student, the flags and their pictures, the decisions, the explanation and the audit entries', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const teacher = await teacherOf(platform, resourceLinkId);
    const response = await fetch(`${invigil.url}/app/attempts/${state.gapAttempt}/report.pdf?c=${teacher.scope}`, { headers: { cookie: teacher.browser.cookiesFor(invigil.url) } });
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const { getDocument, OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const pdf = await getDocument({ data: new Uint8Array(await response.arrayBuffer()), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl: `${path.dirname(require.resolve('pdfjs-dist/package.json'))}/standard_fonts/` }).promise;
    let text = '';
    let images = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      text += `${(await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ')}\n`;
      images += (await page.getOperatorList()).fnArray.filter((op) => op === OPS.paintImageXObject).length;
    }
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of ['Proctoring report', 'Student: Gail Gap', 'Quiz: Midterm', 'More than one display (medium severity', '2 displays at the very end.',
      'Decision: Confirmed', 'Earlier decision: Dismissed: Poor video, not cheating', 'What was on the second display?', 'My TV was on; I unplugged it.',
      'Outcome: Referred to the Honor Council', 'Earlier outcome: Honor Code warning', 'Webcam: no recording from', 'Exported the attempt report (PDF)', 'Tess Teacher']) {
      expect(flat, expected).toContain(expected);
    }
    // Both flags carry their pictures.
    expect(images).toBe(2);
    const exported = await invigil.db.select().from(auditEntries).where(eq(auditEntries.attemptId, state.gapAttempt));
    expect(exported.filter((a) => a.action === 'report_exported')).toHaveLength(1);
  });
});
