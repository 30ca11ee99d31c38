// Typed contracts shared by the server and the extension. Keep them free of Node and DOM dependencies.
import { z } from 'zod';
import { gateResults } from './lms-quiz.ts';
import { extensionEventTypes } from './events.ts';
import { flagSeverities, flagTypes, reportedFlagTypes } from './flags.ts';
import { lockdownPresets, lockdownRuleNames } from './lockdown.ts';
import { defaultKbps, kbpsBounds } from './recording.ts';
import { streamNames } from './streams.ts';

export { streamNames, type StreamName } from './streams.ts';
export { flagSeverities, flagTypes, type FlagType } from './flags.ts';
import type { FlagType } from './flags.ts';
export const streamSchema = z.enum(streamNames);

export const sensitivities = ['low', 'normal', 'high'] as const;
export type Sensitivity = (typeof sensitivities)[number];

// Lockdown settings: see lockdown.ts for what the presets and rules mean.
const allowedUrl = z.url({ protocol: /^https?$/, error: 'Allowed addresses must be full http:// or https:// addresses' }).max(2000);

export const lockdownSettingsSchema = z.object({
  preset: z.enum(lockdownPresets).default('closed_book'),
  /** Only read for the custom preset. */
  rules: z.array(z.enum(lockdownRuleNames)).default([]),
  /** Address prefixes that may load in the quiz tab or open in new tabs, besides the quiz's own site. */
  allowedUrls: z.array(allowedUrl).max(20, 'At most 20 allowed addresses').default([]),
  /** Turn other extensions off for the attempt and back on after it (Chrome; Firefox only lists them). */
  disableOtherExtensions: z.boolean().default(false),
});

/** Quizzes saved before presets existed stored a plain on/off switch. */
export const lockdownSetting = z.preprocess(
  (value) => (typeof value === 'boolean' ? { preset: value ? 'closed_book' : 'off' } : value),
  lockdownSettingsSchema,
);

/** Attempts a student may start when neither the instructor nor the LMS says (a few retries after a lost connection). */
export const defaultMaxAttempts = 3;
/** The most a quiz may allow, and what an LMS's "unlimited" becomes. */
export const mostAttempts = 100;

/**
 * How many proctored attempts a student may start: the instructor's setting, else the LMS's own limit when the launch
 * carries it (custom parameter `allowed_attempts`, e.g. Canvas's `$Canvas.assignment.allowedAttempts`; -1 is
 * unlimited), else the default.
 */
export function attemptLimit(setting: number | null, lmsAllowed: unknown): number {
  if (setting !== null) return setting;
  const lms = typeof lmsAllowed === 'string' && /^-?\d+$/.test(lmsAllowed.trim()) ? Number(lmsAllowed) : typeof lmsAllowed === 'number' ? lmsAllowed : undefined;
  if (lms === undefined || Number.isNaN(lms)) return defaultMaxAttempts;
  return lms <= 0 ? mostAttempts : Math.min(lms, mostAttempts);
}

export const quizSettingsSchema = z.object({
  /** How readily the detector flags: low raises fewer flags, high catches more. */
  sensitivity: z.enum(sensitivities).default('normal'),
  /** Seconds between webcam samples the detector looks at. */
  sampleSeconds: z.number().min(0.5).max(10).default(1),
  recordWebcam: z.boolean().default(true),
  recordScreen: z.boolean().default(true),
  /** Full-quality bitrates (kbit/s); the bandwidth ladder's lower rungs never exceed them. */
  webcamKbps: z.number().int().min(kbpsBounds.min).max(kbpsBounds.max).default(defaultKbps.webcam),
  screenKbps: z.number().int().min(kbpsBounds.min).max(kbpsBounds.max).default(defaultKbps.screen),
  /** Record the microphone with the webcam. */
  recordMicrophone: z.boolean().default(false),
  /** When the camera or the screen share stops mid-attempt: hide the quiz until it is restarted (true), or carry on. */
  pauseOnStreamLoss: z.boolean().default(false),
  lockdown: lockdownSetting.default({ preset: 'closed_book', rules: [], allowedUrls: [], disableOtherExtensions: false }),
  policyText: z.string().trim().min(1).max(10_000),
  /** Days after an attempt ends before its recordings, chunks and evidence are deleted. */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** The LMS quiz's time limit, if it has one: it bounds what an attempt may upload. */
  timeLimitMinutes: z.number().int().min(1).max(24 * 60).nullable().default(null),
  /** Proctored attempts each student may start on this quiz; null follows the LMS's own limit (attemptLimit). */
  maxAttempts: z.number().int().min(1).max(mostAttempts).nullable().default(null),
});
export type QuizSettings = z.infer<typeof quizSettingsSchema>;

export const defaultPolicyText = [
  'This quiz is proctored. Your webcam and your entire screen are recorded while you take it.',
  'Keep your face in view, stay alone in the room, and keep phones and other devices away.',
  'Stay in the quiz tab; leaving it is recorded. Recordings are kept only as long as your institution’s policy says.',
].join('\n');

export const flagTypeSchema = z.enum(flagTypes);
const reportedFlagTypeSchema = z.enum(reportedFlagTypes);

/** Why a flag was raised, in terms an instructor and a student can check. */
export const flagExplanationSchema = z.object({
  model: z.string().max(200),
  thresholds: z.record(z.string(), z.number()),
  scores: z.array(z.number().min(0).max(1)).max(100),
  samples: z.number().int().min(1).max(10_000),
  samplesHeld: z.number().int().min(1).max(10_000),
  summary: z.string().max(500),
  /** Mean luma (0–255) of the frames that held the condition. */
  lightLevel: z.number().min(0).max(255).optional(),
  /** Largest face height as a share of the frame, over those frames. */
  faceSize: z.number().min(0).max(1).optional(),
});
export type FlagExplanation = z.infer<typeof flagExplanationSchema>;

const clientId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');
const epochMs = z.number().int().min(1_500_000_000_000).max(4_000_000_000_000);

export const startAttemptBody = z.object({ startToken: z.string().min(20).max(200) });
/** Every few seconds while the attempt runs; the counter only grows and the signature is keyed by the attempt token. */
export const heartbeatBody = z.object({
  counter: z.number().int().min(1).max(2_000_000_000),
  sentAt: epochMs,
  signature: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url HMAC-SHA256'),
});
export type HeartbeatInput = z.infer<typeof heartbeatBody>;
/**
 * What a proctored session's proctor asks of the quiz page, carried back on each heartbeat: a pause (the quiz covered
 * with the proctor's words), messages to acknowledge, or the attempt ended by the proctor.
 */
export type ProctorState = {
  paused: { message: string; since: number } | null;
  messages: { id: number; text: string; sentAt: number }[];
  endedByProctor: boolean;
};
export type HeartbeatResponse = { id: string; status: string; heartbeatCount: number; finishedAt: string | null; proctor?: ProctorState };
export { heartbeatMessage, signHeartbeat } from './heartbeat.ts';

export const attemptEventSchema = z.object({
  id: clientId,
  /** Only types in the registry (models/events.ts) that the extension may report. */
  type: z.enum(extensionEventTypes),
  at: epochMs,
  details: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).default({}),
});
export const eventsBody = z.object({ events: z.array(attemptEventSchema).min(1).max(100) });

/** The quiz gate (lti-server/gate/): what the quiz page made of the password the extension typed. */
export const gateResultBody = z.object({
  result: z.enum(gateResults),
  /** The LMS's attempt the quiz opened (Moodle: attempt.php?attempt=N). */
  lmsAttemptId: z.string().regex(/^[0-9]{1,18}$/).optional(),
});
export type GateResultInput = z.infer<typeof gateResultBody>;
/** The password the extension types: `student` is this attempt's own (an LMS override), `quiz` the quiz-wide one. */
export type GatePassword = { password: string; mode: 'student' | 'quiz' };
export type AttemptEventInput = z.infer<typeof attemptEventSchema>;

/** Largest evidence thumbnail accepted: a small JPEG, base64 in the flag. */
export const maxEvidenceBytes = 24 * 1024;

export const flagInputSchema = z.object({
  id: clientId,
  type: reportedFlagTypeSchema,
  severity: z.enum(flagSeverities),
  startedAt: epochMs,
  endedAt: epochMs,
  explanation: flagExplanationSchema,
  /** Base64 JPEG of the frame where the flag began; sent once, with the flag's first report. */
  evidence: z.base64().max(Math.ceil(maxEvidenceBytes / 3) * 4).optional(),
}).refine((f) => f.endedAt >= f.startedAt, { message: 'endedAt must not be before startedAt', path: ['endedAt'] });
export const flagsBody = z.object({ flags: z.array(flagInputSchema).min(1).max(50) });
export type FlagInput = z.infer<typeof flagInputSchema>;

export { timesliceMs } from './recording.ts';

/** Largest chunk the server will sign an upload for: a 5 s slice at a generous bitrate. */
export const maxChunkBytes = 8 * 1024 * 1024;
export const chunkContentType = 'video/webm';

export const chunkRef = z.object({
  stream: streamSchema,
  segment: z.number().int().min(0).max(10_000),
  seq: z.number().int().min(0).max(1_000_000),
});
export const chunkUploadBody = chunkRef.extend({
  bytes: z.number().int().min(1).max(maxChunkBytes),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  segmentStartedAt: epochMs,
});
export type ChunkUploadInput = z.infer<typeof chunkUploadBody>;
export const chunkCompleteBody = chunkRef;

export type StartAttemptResponse = {
  attemptToken: string;
  /** `liveSnapshotSeconds`: in a proctored session, how often a small webcam picture goes to the live dashboard. */
  attempt: { id: string; quizUrl: string; settings: QuizSettings; expiresAt: number; disabledFlags: FlagType[]; removalUrl: string; liveSnapshotSeconds?: number };
};
export const bandwidthBody = z.object({
  /** Bytes of the probe upload and how long it took, as the extension measured it. */
  bytes: z.number().int().min(1024).max(1024 * 1024),
  elapsedMs: z.number().min(1).max(120_000),
});
export type BandwidthInput = z.infer<typeof bandwidthBody>;

/** A live dashboard's picture: a small JPEG, base64. */
export const snapshotBody = z.object({ jpeg: z.base64().max(Math.ceil(maxEvidenceBytes / 3) * 4), takenAt: z.number().int().min(1_500_000_000_000).max(4_000_000_000_000) });

export type ChunkUploadResponse = { url: string; headers: Record<string, string>; expiresAt: number };

export { bridgeSource, type BridgeMessage } from './bridge.ts';
