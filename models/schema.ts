// The Invigil data model. One schema and one migration folder serve PostgreSQL and PGlite alike.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, customType, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import type { FlagExplanation, FlagType, QuizSettings } from './contracts.ts';
import type { EventType } from './events.ts';
import type { AnyFlagType, EvidenceSource, FlagSeverity } from './flags.ts';
import type { StreamName } from './streams.ts';
import type { RecordingRung } from './recording.ts';
import type { TimelineSegment } from './timeline.ts';
import type { AuditAction, FlagDecisionKind, OutcomeChoice } from './review.ts';
import type { EnrollmentMode, ParticipantStatus, SessionAction } from './sessions.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** ltijs's documents (platforms, keys, tokens, state), stored by our own ltijs database plugin. */
export const ltiDocuments = pgTable('lti_documents', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  collection: text('collection').notNull(),
  doc: jsonb('doc').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
}, (t) => [index('lti_documents_collection_idx').on(t.collection)]);

/** Nonces of accepted id_tokens: the primary key makes a replay fail even under a race. */
export const ltiNonces = pgTable('lti_nonces', {
  nonce: text('nonce').primaryKey(),
  createdAt: createdAt(),
});

/** One LTI launch as ltijs validated it; app pages refer to it by id instead of a cookie. */
export const launches = pgTable('launches', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id').notNull(),
  userName: text('user_name'),
  /** The LTI `email` claim, kept for the review's notifications only (null where the LMS shares none). */
  email: text('email'),
  roles: jsonb('roles').$type<string[]>().notNull(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  deploymentId: text('deployment_id').notNull(),
  contextId: text('context_id'),
  resourceLinkId: text('resource_link_id'),
  messageType: text('message_type').notNull(),
  token: jsonb('token').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

/** A proctored quiz: one LMS quiz gated by one resource link of ours. */
export const quizzes = pgTable('quizzes', {
  id: uuid('id').primaryKey().defaultRandom(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  deploymentId: text('deployment_id').notNull(),
  contextId: text('context_id'),
  resourceLinkId: text('resource_link_id'),
  title: text('title').notNull(),
  quizUrl: text('quiz_url').notNull(),
  /** The LMS quiz itself (models/lms-quiz.ts): every link to the same LMS quiz shares its gate and its attempt list. */
  lmsQuizKey: text('lms_quiz_key'),
  settings: jsonb('settings').$type<QuizSettings>().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('quizzes_resource_link_idx').on(t.issuer, t.clientId, t.deploymentId, t.resourceLinkId),
  index('quizzes_lms_quiz_idx').on(t.issuer, t.lmsQuizKey),
]);

/**
 * The password that keeps one LMS quiz closed to anyone not proctored: the instructor pastes it into the quiz
 * ("Require password"), the extension types it. Shared by every proctored link to the quiz. What the extension saw
 * when it typed it says whether the gate works.
 */
export const quizGates = pgTable('quiz_gates', {
  id: uuid('id').primaryKey().defaultRandom(),
  issuer: text('issuer').notNull(),
  lmsQuizKey: text('lms_quiz_key').notNull(),
  password: text('password').notNull(),
  passwordAcceptedAt: timestamp('password_accepted_at', { withTimezone: true }),
  passwordRejectedAt: timestamp('password_rejected_at', { withTimezone: true }),
  /** A proctored student reached the quiz without being asked for a password: the quiz is not gated. */
  openedWithoutPasswordAt: timestamp('opened_without_password_at', { withTimezone: true }),
  /** Through the LMS's API (Canvas): when Invigil last wrote the password (access code) into the quiz. */
  appliedAt: timestamp('applied_at', { withTimezone: true }),
  /** When Invigil found the quiz's code changed by someone else, and put its own back. */
  reappliedAt: timestamp('reapplied_at', { withTimezone: true }),
  /** When the password was last replaced by a new one (on a schedule, and after proctored attempts). */
  rotatedAt: timestamp('rotated_at', { withTimezone: true }),
  /** The LMS's API refused the last write or read: what it said, for the instructor. Null once it works again. */
  serviceProblem: text('service_problem'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('quiz_gates_quiz_idx').on(t.issuer, t.lmsQuizKey)]);

/**
 * A Canvas REST API developer key an admin entered for one Canvas registration (its LTI client id): what Invigil
 * uses to ask instructors for an API authorisation (OAuth2). The secret is encrypted with the install's key.
 */
export const canvasApiKeys = pgTable('canvas_api_keys', {
  issuer: text('issuer').notNull(),
  /** The LTI developer key's client id: which school's Canvas this is (the issuer is Instructure's, for all). */
  clientId: text('client_id').notNull(),
  /** The school's Canvas address (its API's base URL); quizzes gated through this key must live there. */
  siteUrl: text('site_url').notNull(),
  apiClientId: text('api_client_id').notNull(),
  apiSecretEncrypted: jsonb('api_secret_encrypted').$type<{ iv: string; data: string }>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.issuer, t.clientId] })]);

/** An instructor's OAuth2 authorisation of Invigil on one Canvas course: the refresh token, encrypted. */
export const canvasAuthorizations = pgTable('canvas_authorizations', {
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  /** Canvas's own course id ($Canvas.course.id). */
  courseId: text('course_id').notNull(),
  refreshTokenEncrypted: jsonb('refresh_token_encrypted').$type<{ iv: string; data: string }>(),
  /** Who authorised it, as Canvas names them. */
  canvasUserName: text('canvas_user_name'),
  authorizedBy: text('authorized_by').notNull(),
  authorizedAt: timestamp('authorized_at', { withTimezone: true }),
  /** The OAuth2 `state` of the authorisation under way (a hash): one callback, for the one who started it. */
  pendingStateHash: text('pending_state_hash'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.issuer, t.clientId, t.courseId] })]);

/** An LMS's web services as an admin connected them (Moodle: a web-service token), encrypted with the install's key. */
export const lmsConnections = pgTable('lms_connections', {
  issuer: text('issuer').primaryKey(),
  kind: text('kind').$type<'moodle'>().notNull(),
  /** Where the LMS answers (Moodle: the site address before /webservice). */
  siteUrl: text('site_url').notNull(),
  tokenEncrypted: jsonb('token_encrypted').$type<{ iv: string; data: string }>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Flag types turned off for one student on one quiz (e.g. a disability makes a face often leave the frame). */
export const accommodations = pgTable('accommodations', {
  quizId: uuid('quiz_id').notNull().references(() => quizzes.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull(),
  userName: text('user_name'),
  disabledFlags: jsonb('disabled_flags').$type<FlagType[]>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.quizId, t.userId] })]);

/**
 * `unsubmitted`: the extension went silent and never finished (a crash, a student gone); the recording was
 * finalised without a finish. A returning extension puts it back in progress.
 */
export const attemptStatuses = ['ready', 'in_progress', 'finished', 'unsubmitted'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

/** One student's proctored attempt at a quiz. */
export const attempts = pgTable('attempts', {
  id: uuid('id').primaryKey().defaultRandom(),
  quizId: uuid('quiz_id').notNull().references(() => quizzes.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull(),
  userName: text('user_name'),
  status: text('status').$type<AttemptStatus>().notNull().default('ready'),
  policyAcknowledgedAt: timestamp('policy_acknowledged_at', { withTimezone: true }),
  /** Hash of the single-use start token; cleared once the extension redeemed it. */
  startTokenHash: text('start_token_hash'),
  startTokenExpiresAt: timestamp('start_token_expires_at', { withTimezone: true }),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }),
  heartbeatCount: integer('heartbeat_count').notNull().default(0),
  /** The highest heartbeat counter accepted: a replayed or rewound heartbeat is refused. */
  heartbeatCounter: integer('heartbeat_counter').notNull().default(0),
  /** Hash of the key in the extension's uninstall URL: opening it reports the extension removed mid-attempt. */
  removalKeyHash: text('removal_key_hash'),
  /** Upload speed measured before recording started (kbit/s), and the recording rung it chose. */
  bandwidthKbps: integer('bandwidth_kbps'),
  recordingRung: text('recording_rung').$type<RecordingRung>(),
  /** When the recording was last finalised because the attempt went idle (no uploads, no heartbeats). */
  idleFinalizedAt: timestamp('idle_finalized_at', { withTimezone: true }),
  /** When the retention job deleted this attempt's recordings, chunks and evidence from the bucket. */
  mediaDeletedAt: timestamp('media_deleted_at', { withTimezone: true }),
  /** The LMS's own attempt this proctored attempt covered (Moodle: attempt.php?attempt=N). */
  lmsAttemptId: text('lms_attempt_id'),
  /** The student's own id in the LMS where it differs from the LTI user id (Canvas's user id, from the launch). */
  lmsUserId: text('lms_user_id'),
  /** The per-student password override written for this attempt (Moodle: the override id), rotated when it ends. */
  gateOverrideId: integer('gate_override_id'),
  /** The proctored-session participant this attempt is (heartbeats carry the proctor's pause and messages back). */
  participantId: bigint('participant_id', { mode: 'number' }),
  createdAt: createdAt(),
}, (t) => [index('attempts_quiz_idx').on(t.quizId)]);

/** Something the extension saw happen during an attempt (tab switch, focus loss, upload retry...). */
export const attemptEvents = pgTable('attempt_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  /** Who recorded it: the extension (the student's browser) or the server. Ids are unique per source only. */
  source: text('source').$type<EvidenceSource>().notNull().default('extension'),
  /** Chosen by whoever recorded it, so a retried batch is stored once. */
  clientEventId: text('client_event_id').notNull(),
  type: text('type').$type<EventType>().notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  receivedAt: createdAt(),
}, (t) => [uniqueIndex('attempt_events_source_idx').on(t.attemptId, t.source, t.clientEventId)]);

/** A suspicion raised during an attempt, with what the detector saw. */
export const flags = pgTable('flags', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  /** Who raised it: a client's report can never reach a server flag, whatever id it picks. */
  source: text('source').$type<EvidenceSource>().notNull().default('extension'),
  clientFlagId: text('client_flag_id').notNull(),
  type: text('type').$type<AnyFlagType>().notNull(),
  severity: text('severity').$type<FlagSeverity>().notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true }).notNull(),
  explanation: jsonb('explanation').$type<FlagExplanation>().notNull(),
  /** A small JPEG of the frame where the flag began, in the bucket. */
  evidenceKey: text('evidence_key'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('flags_source_idx').on(t.attemptId, t.source, t.clientFlagId)]);

/** One uploaded slice of a recording stream. Only the first chunk of a segment carries the WebM header. */
export const chunks = pgTable('chunks', {
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  stream: text('stream').$type<StreamName>().notNull(),
  segment: integer('segment').notNull(),
  seq: integer('seq').notNull(),
  objectKey: text('object_key').notNull(),
  bytes: integer('bytes').notNull(),
  sha256: text('sha256').notNull(),
  /** Wall-clock time the recorder started this segment: the origin of the segment's media time. */
  segmentStartedAt: timestamp('segment_started_at', { withTimezone: true }).notNull(),
  uploaded: boolean('uploaded').notNull().default(false),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.attemptId, t.stream, t.segment, t.seq] })]);

/**
 * Consecutive chunks of one segment joined into one object while the attempt runs, so finalising a long recording
 * reads a few large objects instead of a thousand small ones. The chunks stay as they were.
 */
export const chunkRuns = pgTable('chunk_runs', {
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  stream: text('stream').$type<StreamName>().notNull(),
  segment: integer('segment').notNull(),
  firstSeq: integer('first_seq').notNull(),
  lastSeq: integer('last_seq').notNull(),
  objectKey: text('object_key').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.attemptId, t.stream, t.segment, t.firstSeq] })]);

export const recordingStatuses = ['processing', 'ready', 'failed', 'deleted'] as const;
export type RecordingStatus = (typeof recordingStatuses)[number];

/** The seekable review file made from one stream's chunks. */
export const recordings = pgTable('recordings', {
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  stream: text('stream').$type<StreamName>().notNull(),
  status: text('status').$type<RecordingStatus>().notNull().default('processing'),
  objectKey: text('object_key'),
  bytes: bigint('bytes', { mode: 'number' }),
  durationMs: integer('duration_ms'),
  /** Wall-clock time of the recording's first frame, to place flags on its timeline. */
  startedAt: timestamp('started_at', { withTimezone: true }),
  /** Each segment's wall-clock start and its offset in the file (models/timeline.ts): holes are not in the file. */
  timeline: jsonb('timeline').$type<TimelineSegment[]>(),
  /** While processing: how far the remux has got (0–1), and since when, for "about N s left". */
  progress: real('progress'),
  processingStartedAt: timestamp('processing_started_at', { withTimezone: true }),
  /** Stills along the recording for the review's scrubber: the wall-clock moment each shows. */
  thumbnails: jsonb('thumbnails').$type<{ atMs: number; key: string }[]>(),
  /** Side steps (thumbnails) that could not be done: said on the review, never a failed recording. */
  sideProblems: jsonb('side_problems').$type<string[]>(),
  error: text('error'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.attemptId, t.stream] })]);

/** What the retention job deleted for one attempt, and when: kept after the media is gone, as proof. */
export const deletionReceipts = pgTable('deletion_receipts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  quizId: uuid('quiz_id').notNull(),
  reason: text('reason').notNull(),
  retentionDays: integer('retention_days').notNull(),
  objectCount: integer('object_count').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  /** The bucket prefixes emptied. */
  prefixes: jsonb('prefixes').$type<string[]>().notNull(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('deletion_receipts_attempt_idx').on(t.attemptId)]);

/** A one-time link an admin creates (`npm run platform -- invite`) for an LMS to register by Dynamic Registration. */
export const registrationInvites = pgTable('registration_invites', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** SHA-256 of the link's secret: the secret itself is shown once and never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** Set while a registration runs on it and for good once one succeeded. */
  claimedAt: timestamp('claimed_at', { withTimezone: true }),
  usedAt: timestamp('used_at', { withTimezone: true }),
  platformIssuer: text('platform_issuer'),
});

/** Rate-limit counters shared by every server process: one row per principal, limit and window. */
export const rateLimitWindows = pgTable('rate_limit_windows', {
  key: text('key').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  hits: integer('hits').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.key, t.windowStart] })]);

/**
 * A tool page session: made by a launch, handed to the browser as a one-time code (60 s) that becomes an HttpOnly
 * cookie, so no lasting secret rides in a URL. Bound to the launch's user, course and resource link; a newer launch
 * of the same user in the same course ends it.
 */
export const appSessions = pgTable('app_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  launchId: uuid('launch_id').notNull().references(() => launches.id, { onDelete: 'cascade' }),
  /** The course it belongs to, as a short hash: the cookie's name and the `c` parameter of the tool's links. */
  scope: text('scope').notNull(),
  userId: text('user_id').notNull(),
  codeHash: text('code_hash').unique(),
  codeExpiresAt: timestamp('code_expires_at', { withTimezone: true }),
  tokenHash: text('token_hash').unique(),
  /** Sent back with every state-changing request (a form field or a header). */
  csrfToken: text('csrf_token').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [index('app_sessions_scope_user_idx').on(t.scope, t.userId)]);

/** The course's words for outcomes and dismissal reasons (models/review.ts has the defaults). */
export const courseProfiles = pgTable('course_profiles', {
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  deploymentId: text('deployment_id').notNull(),
  contextId: text('context_id').notNull(),
  outcomes: jsonb('outcomes').$type<OutcomeChoice[]>().notNull(),
  dismissReasons: jsonb('dismiss_reasons').$type<string[]>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.issuer, t.clientId, t.deploymentId, t.contextId] })]);

/** A reviewer's decision on one flag. Never updated: a revision is a new row, the latest one counts. */
export const flagDecisions = pgTable('flag_decisions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  flagId: bigint('flag_id', { mode: 'number' }).notNull().references(() => flags.id, { onDelete: 'cascade' }),
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  decision: text('decision').$type<FlagDecisionKind>().notNull(),
  reason: text('reason'),
  note: text('note'),
  decidedBy: text('decided_by').notNull(),
  decidedByName: text('decided_by_name'),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('flag_decisions_attempt_idx').on(t.attemptId)]);

/** A reviewer's outcome for one attempt, in the course profile's words. Never updated: a revision is a new row. */
export const attemptOutcomes = pgTable('attempt_outcomes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  outcome: text('outcome').notNull(),
  /** The outcome's words when it was decided, and whether it counts as an occurrence (a profile may change later). */
  label: text('label').notNull(),
  countsAsOccurrence: boolean('counts_as_occurrence').notNull(),
  note: text('note'),
  decidedBy: text('decided_by').notNull(),
  decidedByName: text('decided_by_name'),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('attempt_outcomes_attempt_idx').on(t.attemptId)]);

/** An instructor asks the student to explain a flag (or the attempt), by a deadline; the student answers once. */
export const explanationRequests = pgTable('explanation_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  attemptId: uuid('attempt_id').notNull().references(() => attempts.id, { onDelete: 'cascade' }),
  flagId: bigint('flag_id', { mode: 'number' }).references(() => flags.id, { onDelete: 'cascade' }),
  message: text('message').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  requestedBy: text('requested_by').notNull(),
  requestedByName: text('requested_by_name'),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  answer: text('answer'),
  answeredAt: timestamp('answered_at', { withTimezone: true }),
}, (t) => [index('explanation_requests_attempt_idx').on(t.attemptId)]);

/** Who saw or changed what in a course: recordings viewed, decisions, settings, accommodations, exports. */
export const auditEntries = pgTable('audit_entries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  deploymentId: text('deployment_id').notNull(),
  contextId: text('context_id'),
  quizId: uuid('quiz_id'),
  attemptId: uuid('attempt_id'),
  actorId: text('actor_id').notNull(),
  actorName: text('actor_name'),
  action: text('action').$type<AuditAction>().notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('audit_entries_course_idx').on(t.issuer, t.clientId, t.deploymentId, t.contextId), index('audit_entries_attempt_idx').on(t.attemptId)]);

/** Mail waiting to be sent: a job drains it with retries, so mail survives an SMTP server that is down. */
export const mailOutbox = pgTable('mail_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  to: text('to').notNull(),
  subject: text('subject').notNull(),
  text: text('text').notNull(),
  /** Why it was sent, for the logs and tests ("explanation_requested", "outcome_decided"…). */
  kind: text('kind').notNull(),
  /** Files sent with it (a session invitation's calendar entry), content as text. */
  attachments: jsonb('attachments').$type<{ filename: string; contentType: string; content: string }[]>(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('mail_outbox_unsent_idx').on(t.sentAt, t.nextAttemptAt)]);

/** A proctored session (the proctor's guide): one quiz taken together under a proctor, entered with a code. */
export const proctoredSessions = pgTable('proctored_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  quizId: uuid('quiz_id').notNull().references(() => quizzes.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** LTI user ids of the proctors (the creator first) and their names, as they launched. */
  proctors: jsonb('proctors').$type<{ userId: string; name: string | null }[]>().notNull(),
  /** The scheduled start; with a flexible start, when the window opens (the proctor starts it inside the window). */
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  flexibleStart: boolean('flexible_start').notNull().default(false),
  windowEndsAt: timestamp('window_ends_at', { withTimezone: true }),
  durationMinutes: integer('duration_minutes').notNull(),
  /** Each student's time for the quiz; a participant's own limit wins. */
  timeLimitMinutes: integer('time_limit_minutes'),
  maxUsers: integer('max_users').notNull(),
  /** How long after the start a student may still join (0: not after the start). */
  lateEntryMinutes: integer('late_entry_minutes').notNull().default(0),
  /** Case-sensitive; unique while kept, so a code names one session. */
  enrollmentCode: text('enrollment_code').notNull(),
  enrollmentMode: text('enrollment_mode').$type<EnrollmentMode>().notNull(),
  /** The policy profile (models/session-profiles.ts) whose rules it must satisfy. */
  profileKey: text('profile_key').notNull().default('none'),
  startedAt: timestamp('started_at', { withTimezone: true }),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  voidedAt: timestamp('voided_at', { withTimezone: true }),
  voidReason: text('void_reason'),
  /** The recordings and log went to the auditor (a profile with a delivery deadline); the proctors told when late. */
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  deliveryLateAlertedAt: timestamp('delivery_late_alerted_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('proctored_sessions_code_idx').on(t.enrollmentCode), index('proctored_sessions_quiz_idx').on(t.quizId)]);

/** A student in a session: invited (from a CSV or the roster), or joined with the code. */
export const sessionParticipants = pgTable('session_participants', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => proctoredSessions.id, { onDelete: 'cascade' }),
  /** The LTI user id, once known (a roster entry, a join); a CSV row may name only an LMS id or an email. */
  userId: text('user_id'),
  lmsUserId: text('lms_user_id'),
  name: text('name'),
  email: text('email'),
  status: text('status').$type<ParticipantStatus>().notNull().default('invited'),
  source: text('source').$type<'csv' | 'roster' | 'code'>().notNull(),
  attemptId: uuid('attempt_id').references(() => attempts.id, { onDelete: 'set null' }),
  timeLimitMinutes: integer('time_limit_minutes'),
  /** Paused by the proctor since then (the quiz is covered), with the proctor's words. */
  pausedAt: timestamp('paused_at', { withTimezone: true }),
  pauseMessage: text('pause_message'),
  /** Seconds of pauses that ended: the LMS timer does not stop, so they come back as extra time. */
  pausedSeconds: integer('paused_seconds').notNull().default(0),
  /** Extra minutes given (by the proctor, and for pauses), and how the LMS took them. */
  extraMinutes: integer('extra_minutes').notNull().default(0),
  extraTimeNote: text('extra_time_note'),
  /** The proctor ended this student's attempt: the extension finishes it at its next heartbeat. */
  endRequestedAt: timestamp('end_requested_at', { withTimezone: true }),
  /** The proctor confirmed the student's identification (NCCER's script), and who did. */
  idConfirmedAt: timestamp('id_confirmed_at', { withTimezone: true }),
  idConfirmedBy: text('id_confirmed_by'),
  /** The proctor let this student continue on another device (their first computer failed): the next start may. */
  resumeAllowedAt: timestamp('resume_allowed_at', { withTimezone: true }),
  invitedAt: timestamp('invited_at', { withTimezone: true }),
  /** When the email invitation was queued (once per participant). */
  invitationSentAt: timestamp('invitation_sent_at', { withTimezone: true }),
  joinedAt: timestamp('joined_at', { withTimezone: true }),
  startedAt: timestamp('started_at', { withTimezone: true }),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('session_participants_user_idx').on(t.sessionId, t.userId), index('session_participants_attempt_idx').on(t.attemptId)]);

/** An NCCER-style auditor: a read-only observer invited by an expiring link; the invitation's time is kept. */
export const sessionAuditors = pgTable('session_auditors', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => proctoredSessions.id, { onDelete: 'cascade' }),
  name: text('name'),
  email: text('email').notNull(),
  tokenHash: text('token_hash').notNull(),
  invitedAt: timestamp('invited_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  invitedBy: text('invited_by').notNull(),
}, (t) => [index('session_auditors_session_idx').on(t.sessionId), uniqueIndex('session_auditors_token_idx').on(t.tokenHash)]);

/** What happened in a session, in order: who did what (the session's record for its report and its auditor). */
export const sessionLog = pgTable('session_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => proctoredSessions.id, { onDelete: 'cascade' }),
  participantId: bigint('participant_id', { mode: 'number' }).references(() => sessionParticipants.id, { onDelete: 'set null' }),
  actorId: text('actor_id').notNull(),
  actorName: text('actor_name'),
  action: text('action').$type<SessionAction>().notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('session_log_session_idx').on(t.sessionId)]);

/** A proctor's message to one student during a session; the student acknowledges it in the quiz overlay. */
export const proctorMessages = pgTable('proctor_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => proctoredSessions.id, { onDelete: 'cascade' }),
  participantId: bigint('participant_id', { mode: 'number' }).notNull().references(() => sessionParticipants.id, { onDelete: 'cascade' }),
  text: text('text').notNull(),
  sentBy: text('sent_by').notNull(),
  sentByName: text('sent_by_name'),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
}, (t) => [index('proctor_messages_participant_idx').on(t.participantId)]);

/** The proctor's script (a profile's checklist): each item ticked once, with who and when. */
export const sessionChecklist = pgTable('session_checklist', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => proctoredSessions.id, { onDelete: 'cascade' }),
  item: text('item').notNull(),
  tickedBy: text('ticked_by').notNull(),
  tickedByName: text('ticked_by_name'),
  tickedAt: timestamp('ticked_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('session_checklist_item_idx').on(t.sessionId, t.item)]);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** The latest small webcam picture of a student in a live session (one row each, replaced every few seconds). */
export const liveSnapshots = pgTable('live_snapshots', {
  participantId: bigint('participant_id', { mode: 'number' }).primaryKey().references(() => sessionParticipants.id, { onDelete: 'cascade' }),
  jpeg: bytea('jpeg').notNull(),
  takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
});
