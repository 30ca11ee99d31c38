// Proctored sessions: the proctor schedules one for a quiz (checked against its policy profile), enrols students (CSV,
// the course roster, the code), emails the invitations, invites the auditor, starts and ends it. The student enters the
// code, waits in the lobby, and is In Session once the proctor starts.
import { randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import { and, asc, count, desc, eq, inArray, isNull, min } from 'drizzle-orm';
import { attempts, proctoredSessions, sessionAuditors, sessionChecklist, sessionLog, sessionParticipants } from '../../../models/schema.ts';
import { newEnrollmentCode, participantStatusLabels, seatedStatuses, type SessionAction } from '../../../models/sessions.ts';
import { checkSession, policyProfiles, type Refusal } from '../../../models/session-profiles.ts';
import type { Database } from '../../database.ts';
import type { LtiActor } from '../../http/actors.ts';
import { launchSession, sessionQuery } from '../../http/authenticate.ts';
import { HttpError } from '../../http/errors.ts';
import { route } from '../../http/route.ts';
import { hashSecret } from '../../http/tokens.ts';
import { courseRoster } from '../../lti/course-roster.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { errorPage } from '../../pages/layout.ts';
import { quizPolicy } from '../../policies/quiz.ts';
import { sessionPolicy } from '../../policies/session.ts';
import { importParticipants, inviteRoster, participantCsvTemplate, readParticipantCsv, type RowReport } from '../../sessions/enrollment.ts';
import { queueInvitations } from '../../sessions/invitations.ts';
import { joinWithCode, liveStatus, SessionEntryError, sessionEndsAt, studentIdentity } from '../../sessions/session-entry.ts';
import { zonedToUtc } from '../../sessions/zoned-time.ts';
import { publishLive } from '../../live/session-feed.ts';
import type { RouteContext } from '../context.ts';
import { loadQuiz } from '../quizzes/load.ts';
import { readQuizSettings } from '../quizzes/settings.ts';
import { launchOf, loadSession, type LoadedSession } from './load.ts';
import { actionForm, auditorForm, checklistForm, codeForm, controlsForm, importForm, sessionForm, type SessionFormInput } from './schema.ts';
import { allowResume, confirmIdentity, endAttempts, giveExtraTime, pause, resume, sendMessage, targets, tickChecklist } from '../../sessions/proctor-controls.ts';
import { codeEntryPage, dashboardPage, quizReportPage, reportPage, sessionPage, sessionsPage, type FormValues } from './views.ts';
import { quizReport, sessionReport } from '../../sessions/session-report.ts';
import { sessionReportPdf } from '../../sessions/session-report-pdf.ts';
import { csv } from '../../review/csv.ts';
import { dashboardRows, liveState } from '../../live/dashboard-rows.ts';
import { openEventStream } from '../../live/event-stream.ts';

type Quiz = LoadedSession['quiz'];

const log = (db: Pick<Database, 'insert'>, sessionId: string, actor: LtiActor, action: SessionAction, details: Record<string, unknown> = {}, participantId?: number) =>
  db.insert(sessionLog).values({ sessionId, actorId: actor.userId, actorName: actor.userName, action, details, participantId });

/** How long an auditor's link lives after the session ends: long enough to watch the recordings it was sent. */
const auditorLinkDays = 14;

async function sessionList(db: Database, quiz: Quiz) {
  const list = await db.select().from(proctoredSessions).where(eq(proctoredSessions.quizId, quiz.id)).orderBy(desc(proctoredSessions.startsAt));
  const counts = list.length ? await db.select({ sessionId: sessionParticipants.sessionId, status: sessionParticipants.status, n: count() }).from(sessionParticipants)
    .where(inArray(sessionParticipants.sessionId, list.map((s) => s.id))).groupBy(sessionParticipants.sessionId, sessionParticipants.status) : [];
  return list.map((session) => {
    const mine = counts.filter((c) => c.sessionId === session.id);
    return { session, seated: mine.filter((c) => seatedStatuses.includes(c.status)).reduce((a, c) => a + c.n, 0), invited: mine.filter((c) => c.status === 'invited').reduce((a, c) => a + c.n, 0) };
  });
}

type Planned = Pick<typeof proctoredSessions.$inferSelect, 'profileKey' | 'startsAt' | 'durationMinutes' | 'flexibleStart' | 'windowEndsAt' | 'maxUsers'>;

/**
 * The rules a session breaks at this stage. A stored session (with its id) is checked with its auditor's invitation
 * as recorded; one not yet created has none.
 */
async function profileRefusals(db: Database, session: Planned & { id?: string }, quiz: Quiz, stage: 'schedule' | 'start', holidays: string[]): Promise<Refusal[]> {
  const profile = policyProfiles[session.profileKey];
  if (!profile) return [];
  const [{ invited }] = session.id
    ? await db.select({ invited: min(sessionAuditors.invitedAt) }).from(sessionAuditors).where(eq(sessionAuditors.sessionId, session.id))
    : [{ invited: null }];
  return checkSession(profile, {
    startsAt: session.startsAt, durationMinutes: session.durationMinutes + (session.flexibleStart && session.windowEndsAt ? (session.windowEndsAt.getTime() - session.startsAt.getTime()) / 60_000 : 0),
    maxUsers: session.maxUsers, recorded: readQuizSettings(quiz.settings).recordWebcam, auditorInvitedAt: invited,
  }, stage, new Date(), holidays);
}

export function sessionPages({ db, lti, limiter, queue, config, feed, connections }: RouteContext) {
  const router = Router();
  const holidays = config.sessionHolidays;
  const signedIn = (method: 'get' | 'post', path: string, name = 'session-pages') => route(router, method, path).authenticate(launchSession(db)).limit(limiter, { name, max: 120, windowMs: 60_000 });
  const proctor = (method: 'get' | 'post', path: string) => signedIn(method, path).load(loadSession(db), 'That session').authorize(sessionPolicy, 'proctor', 'Sessions are run by the course\'s instructors.');

  async function showSession(res: Response, session: LoadedSession, context: { csrf: string; query: string }, extra: { report?: RowReport[]; refusals?: Refusal[]; notice?: string; auditorLink?: string; status?: number } = {}) {
    const [fresh] = await db.select().from(proctoredSessions).where(eq(proctoredSessions.id, session.id));
    const rows = await db.select({ p: sessionParticipants, lastHeartbeatAt: attempts.lastHeartbeatAt }).from(sessionParticipants)
      .leftJoin(attempts, eq(sessionParticipants.attemptId, attempts.id)).where(eq(sessionParticipants.sessionId, session.id)).orderBy(asc(sessionParticipants.id));
    const now = new Date();
    const participants = rows.map(({ p, lastHeartbeatAt }) => ({ ...p, live: liveStatus(p, lastHeartbeatAt, now, config.heartbeatTimeoutMs) }));
    const auditors = await db.select().from(sessionAuditors).where(eq(sessionAuditors.sessionId, session.id)).orderBy(asc(sessionAuditors.id));
    const entries = await db.select().from(sessionLog).where(eq(sessionLog.sessionId, session.id)).orderBy(asc(sessionLog.id)).limit(2000);
    res.status(extra.status ?? 200).type('html').send(sessionPage({ quiz: session.quiz, session: fresh, participants, auditors, log: entries, ...context, ...extra }));
  }

  signedIn('get', '/quizzes/:quizId/sessions').load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'configure')
    .handle(async ({ res, record: quiz, session }) => {
      res.type('html').send(sessionsPage(quiz, await sessionList(db, quiz), { csrf: session.csrfToken, query: sessionQuery(session) }));
    });

  signedIn('post', '/quizzes/:quizId/sessions')
    .form(sessionForm, async ({ req, session }, problems) => {
      const quiz = await loadQuiz(db)(req);
      return quiz ? sessionsPage(quiz, await sessionList(db, quiz), { csrf: session.csrfToken, query: sessionQuery(session), values: req.body as FormValues, problems: problems.map((p) => p.message) }) : errorPage(404, 'That quiz was not found.');
    })
    .load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'configure')
    .handle(async ({ req, res, actor, record: quiz, session, input }) => {
      const q = sessionQuery(session);
      const again = async (problems: string[]) => void res.status(400).type('html')
        .send(sessionsPage(quiz, await sessionList(db, quiz), { csrf: session.csrfToken, query: q, values: req.body as FormValues, problems }));
      const values = sessionValues(input, actor);
      if (input.flexibleStart && !input.windowMinutes) return again(['A flexible start needs a start window: how long after the start time you may start the session.']);
      const refusals = await profileRefusals(db, values, quiz, 'schedule', holidays);
      if (refusals.length) return again(refusals.map((r) => r.message));
      let created: typeof proctoredSessions.$inferSelect | undefined;
      for (let tries = 0; !created && tries < 5; tries++) {
        const code = input.enrollmentCode ?? newEnrollmentCode();
        [created] = await db.insert(proctoredSessions).values({ ...values, quizId: quiz.id, enrollmentCode: code }).onConflictDoNothing().returning();
        if (!created && input.enrollmentCode) return again(['That enrollment code is used by another session: choose another, or leave it empty for a new one.']);
      }
      if (!created) throw new Error('No free enrollment code after five tries.');
      await log(db, created.id, actor, 'created', { code: created.enrollmentCode, profile: created.profileKey });
      let notice = 'Session created.';
      if (created.enrollmentMode !== 'manual') notice += ` ${await rosterNotice(created, actor)}`;
      res.redirect(303, `/app/sessions/${created.id}?${q}&notice=${encodeURIComponent(notice)}`);
    });

  async function rosterNotice(session: typeof proctoredSessions.$inferSelect, actor: LtiActor) {
    const students = await courseRoster(db, lti, actor);
    if (!students) return "The LMS did not give Invigil the course's roster (Names and Roles): add students by CSV, or let them join with the code.";
    const added = await inviteRoster(db, session, students);
    await log(db, session.id, actor, 'roster_invited', { added, roster: students.length });
    return `${added} of the course's ${students.length} students invited from the roster.`;
  }

  proctor('get', '/sessions/:sessionId').handle(async ({ req, res, record, session }) => {
    const notice = typeof req.query.notice === 'string' ? req.query.notice.slice(0, 300) : undefined;
    await showSession(res, record, { csrf: session.csrfToken, query: sessionQuery(session) }, { notice });
  });

  proctor('get', '/sessions/:sessionId/participants-template.csv').handle(({ res }) => {
    res.type('text/csv').attachment('invigil-session-students.csv').send(participantCsvTemplate);
  });

  proctor('post', '/sessions/:sessionId/participants').form(importForm, () => errorPage(400, 'The file is larger than 2 MB: split it and import each part.'), { bytes: '3mb' })
    .handle(async ({ res, actor, record, session, input }) => {
      const { rows, refused } = readParticipantCsv(input.csv);
      const added = await db.transaction(async (tx) => {
        // One import at a time per session: the seat count holds.
        await tx.select({ id: proctoredSessions.id }).from(proctoredSessions).where(eq(proctoredSessions.id, record.id)).for('update');
        return importParticipants(tx, record, policyProfiles[record.profileKey] ?? policyProfiles.none, rows);
      });
      const report = [...refused, ...added].sort((a, b) => a.line - b.line);
      await log(db, record.id, actor, 'participants_imported', { added: report.filter((r) => r.result === 'added').length, refused: report.filter((r) => r.result === 'refused').length });
      await showSession(res, record, { csrf: session.csrfToken, query: sessionQuery(session) }, { report, status: report.length && report.every((r) => r.result === 'refused') ? 400 : 200 });
    });

  proctor('post', '/sessions/:sessionId/roster').form(actionForm, () => errorPage(400, 'Not valid.')).handle(async ({ res, actor, record, session }) => {
    await showSession(res, record, { csrf: session.csrfToken, query: sessionQuery(session) }, { notice: await rosterNotice(record, actor) });
  });

  proctor('post', '/sessions/:sessionId/invitations').form(actionForm, () => errorPage(400, 'Not valid.')).handle(async ({ res, actor, record, session }) => {
    const sent = await queueInvitations(db, record, record.quiz, new URL(config.publicUrl).host);
    if (sent) await queue.mailQueued();
    await log(db, record.id, actor, 'invitations_sent', { count: sent });
    await showSession(res, record, { csrf: session.csrfToken, query: sessionQuery(session) }, { notice: sent ? `${sent} invitation${sent === 1 ? '' : 's'} queued for email.` : 'Everyone with an email address has been invited already.' });
  });

  proctor('post', '/sessions/:sessionId/auditors').form(auditorForm, (_c, problems) => errorPage(400, `Not invited: ${problems.map((p) => p.message).join(' ')} Go back and correct it.`)).handle(async ({ res, actor, record, session, input }) => {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(sessionEndsAt(record).getTime() + auditorLinkDays * 86_400_000);
    const link = `${config.publicUrl}/app/audit/${token}`;
    await db.transaction(async (tx) => {
      await tx.insert(sessionAuditors).values({ sessionId: record.id, name: input.name || null, email: input.email, tokenHash: hashSecret(token), expiresAt, invitedBy: actor.userId });
      await enqueueMail(tx, {
        to: input.email, kind: 'auditor_invitation', subject: `Auditor invitation: ${record.quiz.title}, ${record.name}`,
        text: `You are invited to audit the proctored session "${record.name}" of ${record.quiz.title}, starting ${record.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.\n\nYour read-only link (it expires ${expiresAt.toISOString().slice(0, 10)}):\n${link}\n`,
      });
    });
    await queue.mailQueued();
    await log(db, record.id, actor, 'auditor_invited', { email: input.email, expiresAt: expiresAt.toISOString() });
    await showSession(res, record, { csrf: session.csrfToken, query: sessionQuery(session) }, { auditorLink: link });
  });

  proctor('post', '/sessions/:sessionId/start').form(actionForm, () => errorPage(400, 'Not valid.')).handle(async ({ res, actor, record, session }) => {
    const context = { csrf: session.csrfToken, query: sessionQuery(session) };
    if (record.endedAt) return showSession(res, record, context, { refusals: [{ rule: 'ended', message: 'This session has ended.' }], status: 409 });
    if (record.flexibleStart && record.windowEndsAt && new Date() > record.windowEndsAt) {
      return showSession(res, record, context, { refusals: [{ rule: 'window', message: `The start window closed at ${record.windowEndsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.` }], status: 409 });
    }
    const refusals = await profileRefusals(db, record, record.quiz, 'start', holidays);
    if (refusals.length) return showSession(res, record, context, { refusals, status: 409 });
    const [started] = await db.update(proctoredSessions).set({ startedAt: new Date() }).where(and(eq(proctoredSessions.id, record.id), isNull(proctoredSessions.startedAt))).returning();
    if (started) {
      await log(db, record.id, actor, 'started');
      await publishLive(db, { kind: 'session', sessionId: record.id });
    }
    await showSession(res, record, context, { notice: 'The session has started: the students in the lobby move on to the quiz.' });
  });

  proctor('post', '/sessions/:sessionId/end').form(actionForm, () => errorPage(400, 'Not valid.')).handle(async ({ res, actor, record, session }) => {
    await db.update(proctoredSessions).set({ endedAt: new Date() }).where(eq(proctoredSessions.id, record.id));
    await log(db, record.id, actor, 'ended');
    await publishLive(db, { kind: 'session', sessionId: record.id });
    await queue.sessionEnded();
    await showSession(res, record, { csrf: session.csrfToken, query: sessionQuery(session) }, { notice: 'The session has ended; its code no longer works.' });
  });

  proctor('get', '/sessions/:sessionId/dashboard').handle(async ({ req, res, record, session }) => {
    const q = sessionQuery(session);
    const rows = await dashboardRows(db, record, record.quiz, config.heartbeatTimeoutMs);
    const notice = typeof req.query.notice === 'string' ? req.query.notice.slice(0, 500) : undefined;
    const ticked = await db.select().from(sessionChecklist).where(eq(sessionChecklist.sessionId, record.id));
    res.type('html').send(dashboardPage(record, record.quiz, rows, {
      streamUrl: `/app/sessions/${record.id}/live?${q}`, backUrl: `/app/sessions/${record.id}?${q}`, readOnly: false,
      snapshotUrl: `/app/sessions/${record.id}/participants/{id}/snapshot.jpg?${q}&at={at}`,
      controls: { action: `/app/sessions/${record.id}/controls?${q}`, csrf: session.csrfToken, notice },
      script: { action: `/app/sessions/${record.id}/checklist?${q}`, items: policyProfiles[record.profileKey]?.checklist ?? [], ticked },
    }));
  });

  signedIn('get', '/quizzes/:quizId/sessions/report').load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'configure')
    .handle(async ({ res, record: quiz, session }) => {
      const list = await db.select().from(proctoredSessions).where(eq(proctoredSessions.quizId, quiz.id)).orderBy(asc(proctoredSessions.startsAt));
      res.type('html').send(quizReportPage(quiz, await quizReport(db, connections, quiz, list), sessionQuery(session)));
    });

  proctor('get', '/sessions/:sessionId/report').handle(async ({ res, record, session }) => {
    const [fresh] = await db.select().from(proctoredSessions).where(eq(proctoredSessions.id, record.id));
    res.type('html').send(reportPage(fresh, record.quiz, await sessionReport(db, connections, fresh, record.quiz), sessionQuery(session)));
  });

  proctor('get', '/sessions/:sessionId/report.csv').handle(async ({ res, record }) => {
    const report = await sessionReport(db, connections, record, record.quiz);
    const iso = (d: Date | null) => d?.toISOString() ?? '';
    res.type('text/csv').attachment('invigil-session-report.csv').send(csv([
      ['student', 'email', 'lms_user_id', 'status', 'joined_at', 'started_at', 'completed_at', 'minutes', 'score', 'flags', 'messages', 'acknowledged', 'extra_minutes', 'id_confirmed_at'],
      ...report.rows.map((r) => [r.name, r.email, r.lmsUserId, r.status, iso(r.joinedAt), iso(r.startedAt), iso(r.completedAt), r.minutes, r.score, r.flags, r.messages, r.acknowledged, r.extraMinutes, iso(r.idConfirmedAt)]),
    ]));
  });

  proctor('get', '/sessions/:sessionId/report.pdf').handle(async ({ res, actor, record }) => {
    const report = await sessionReport(db, connections, record, record.quiz);
    res.type('application/pdf').attachment('invigil-session-report.pdf').send(await sessionReportPdf(record, record.quiz, report, actor.userName ?? actor.userId));
  });

  proctor('post', '/sessions/:sessionId/checklist').form(checklistForm, () => errorPage(400, 'Choose an item of the script.'))
    .handle(async ({ res, actor, record, session, input }) => {
      const script = policyProfiles[record.profileKey]?.checklist ?? [];
      if (!script.includes(input.item)) throw new HttpError(400, 'not_in_script', "That is not an item of this session's script.");
      const ticked = await tickChecklist(db, record, actor, input.item);
      res.redirect(303, `/app/sessions/${record.id}/dashboard?${sessionQuery(session)}&notice=${encodeURIComponent(ticked ? `Ticked: ${input.item}.` : `Already ticked: ${input.item}.`)}`);
    });

  proctor('post', '/sessions/:sessionId/controls').form(controlsForm, (_c, problems) => errorPage(400, `Not done: ${problems.map((p) => p.message).join(' ')} Go back and correct it.`))
    .handle(async ({ res, actor, record, session, input }) => {
      const list = await targets(db, record, input.who);
      const who = input.who === 'all' ? 'everyone in the session' : list[0]?.name ?? 'that student';
      if (!list.length) throw new HttpError(409, 'nobody', input.who === 'all' ? 'Nobody has joined the session yet.' : 'That student is not in this session.');
      let notice: string;
      if (input.action === 'message' || input.action === 'pause') {
        if (!input.text) throw new HttpError(400, 'no_text', input.action === 'pause' ? 'Write what the students see while paused.' : 'Write the message.');
      }
      switch (input.action) {
        case 'message': notice = `Message sent to ${who} (${await sendMessage(db, record, actor, list, input.text)}).`; break;
        case 'pause': notice = `Paused: ${await pause(db, record, actor, list, input.text)} (${who}).`; break;
        case 'resume': notice = `Resumed: ${await resume(db, connections, record, record.quiz, actor, list)} (${who}); each pause is given back as extra time.`; break;
        case 'extra_time': notice = `+${input.minutes} min for ${who}. ${[...new Set(await giveExtraTime(db, connections, record, record.quiz, actor, list, input.minutes, 'given by the proctor'))].join(' ')}`; break;
        case 'end': notice = `Ending ${await endAttempts(db, record, actor, list)} attempt(s) (${who}): the extension finishes at its next heartbeat.`; break;
        case 'allow_resume': notice = `May continue on another device: ${await allowResume(db, record, actor, list)} (${who}); their next start replaces the attempt that stopped.`; break;
        case 'confirm_id': notice = `Identification confirmed: ${await confirmIdentity(db, record, actor, list)} (${who}).`; break;
      }
      res.redirect(303, `/app/sessions/${record.id}/dashboard?${sessionQuery(session)}&notice=${encodeURIComponent(notice)}`);
    });

  proctor('get', '/sessions/:sessionId/live').handle(async ({ req, res, record }) => {
    openEventStream(req, res, feed, record.id, await liveState(db, record, config.heartbeatTimeoutMs));
  });

  // The student's side: the code, then the lobby's status.
  signedIn('post', '/quizzes/:quizId/session-entry', 'session-entry').form(codeForm, () => errorPage(400, 'Enter the code.'))
    .load(loadQuiz(db), 'That quiz').authorize(quizPolicy, 'take')
    .handle(async ({ res, actor, record: quiz, session, input }) => {
      const q = sessionQuery(session);
      try {
        await joinWithCode(db, quiz, studentIdentity(actor, await launchOf(db, actor)), input.code);
      } catch (error) {
        if (!(error instanceof SessionEntryError)) throw error;
        return void res.status(error.status).type('html').send(codeEntryPage(quiz, { action: `/app/quizzes/${quiz.id}/session-entry?${q}`, csrf: session.csrfToken, error: error.message, code: input.code }));
      }
      res.redirect(303, `/app/quizzes/${quiz.id}/take?${q}`);
    });

  signedIn('get', '/sessions/:sessionId/lobby-status', 'lobby').load(loadSession(db), 'That session').authorize(sessionPolicy, 'join')
    .handle(async ({ res, actor, record }) => {
      const [fresh] = await db.select().from(proctoredSessions).where(eq(proctoredSessions.id, record.id));
      const [mine] = await db.select().from(sessionParticipants).where(and(eq(sessionParticipants.sessionId, record.id), eq(sessionParticipants.userId, actor.userId)));
      if (!mine) throw new HttpError(404, 'not_joined', 'You have not joined this session.');
      res.setHeader('Cache-Control', 'no-store');
      res.json({ started: Boolean(fresh.startedAt), ended: Boolean(fresh.endedAt || fresh.voidedAt), status: mine.status, label: participantStatusLabels[mine.status] });
    });
  return router;
}

function sessionValues(input: SessionFormInput, actor: LtiActor) {
  const startsAt = zonedToUtc(input.startsAt, input.timeZone);
  return {
    name: input.name, proctors: [{ userId: actor.userId, name: actor.userName }], startsAt,
    flexibleStart: Boolean(input.flexibleStart), windowEndsAt: input.flexibleStart && input.windowMinutes ? new Date(startsAt.getTime() + input.windowMinutes * 60_000) : null,
    durationMinutes: input.durationMinutes, timeLimitMinutes: input.timeLimitMinutes ?? null, maxUsers: input.maxUsers, lateEntryMinutes: input.lateEntryMinutes,
    enrollmentCode: '', enrollmentMode: input.enrollmentMode, profileKey: input.profileKey,
  };
}
