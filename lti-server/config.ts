// Settings come from environment variables, checked once at start so a typo fails loudly and early.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const optionalUrl = z.url({ protocol: /^https?$/ }).optional();
const secret = z.string().min(32, 'must be at least 32 characters').optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalUrl,
  DATA_DIR: z.string().default('.invigil-data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  S3_ENDPOINT: optionalUrl,
  S3_PUBLIC_ENDPOINT: optionalUrl,
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'is not a valid bucket name').optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  S3_SERVER_SIDE_ENCRYPTION: z.enum(['AES256', 'aws:kms', 'none']).default('AES256'),
  EMBEDDED_S3_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LTI_KEY: secret,
  APP_SECRET: secret,
  TOOL_NAME: z.string().default('Invigil'),
  /** Where notifications go out: smtp://user:pass@host:port (smtps:// for TLS). Unset: mail waits in the outbox. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Invigil <invigil@localhost>'),
  HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().min(2).max(3600).default(30),
  /** Days a policy profile's notice periods do not count (NCCER: national holidays), comma-separated YYYY-MM-DD. */
  SESSION_HOLIDAYS: z.string().default('').refine((v) => v.split(',').map((d) => d.trim()).filter(Boolean).every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)), 'SESSION_HOLIDAYS: dates as YYYY-MM-DD, comma-separated.'),
  IDLE_FINALIZE_MINUTES: z.coerce.number().min(0.05).max(24 * 60).default(10),
  /** Host names Dynamic Registration may reach on internal addresses (an LMS on the campus network), comma-separated. */
  REGISTRATION_INTERNAL_HOSTS: z.string().default(''),
  /** Origins that may frame the tool besides the registered LMSs (a portal), comma-separated. */
  FRAME_ANCESTORS: z.string().default(''),
  /** Where `npm run package` put the extension's packages, served under /extension. */
  EXTENSION_PACKAGES_DIR: z.string().optional(),
  /** The admin API's key; by default made on the first start and kept in DATA_DIR/admin-key. */
  ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };
  s3: {
    embedded: boolean;
    endpoint?: string;
    /** Endpoint browsers use for presigned URLs when it differs from the server's (e.g. behind a proxy). */
    publicEndpoint?: string;
    region: string;
    bucket: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
    serverSideEncryption?: 'AES256' | 'aws:kms';
    embeddedPort: number;
  };
  ltiKey: string;
  appSecret: string;
  toolName: string;
  /** A running attempt silent this long is flagged: the extension sends a heartbeat every 5 s. */
  heartbeatTimeoutMs: number;
  /** Dates (YYYY-MM-DD) a profile's notice periods skip, like weekends. */
  sessionHolidays: string[];
  /** A running attempt with no upload and no heartbeat this long has its recording finalised anyway. */
  idleFinalizeMs: number;
  /** Dynamic Registration never fetches internal addresses, except on these hosts an admin named. */
  registrationInternalHosts: string[];
  /** Origins allowed to frame the tool pages besides the registered platforms' own. */
  frameAncestors: string[];
  extensionPackagesDir: string;
  /** Notifications: the SMTP server (none: mail is kept in the outbox until one is set) and the sender. */
  mail: { smtpUrl?: string; from: string };
  /** Set only when given in the environment (else the data folder's, lti-server/admin/running-server.ts). */
  adminKey?: string;
};

export class ConfigError extends Error {}

/** Secrets that may be generated for a local install, kept in the data folder so restarts keep sessions valid. */
function localSecrets(dataDir: string): { ltiKey: string; appSecret: string } {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { ltiKey: string; appSecret: string };
  const secrets = { ltiKey: randomBytes(32).toString('hex'), appSecret: randomBytes(32).toString('hex') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** The embedded S3's secret key, made once per data folder so presigned URLs survive a restart. */
function embeddedS3Secret(dataDir: string): string {
  const file = path.join(dataDir, 'embedded-s3-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid settings in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  if (production) {
    for (const name of ['PUBLIC_URL', 'DATABASE_URL', 'LTI_KEY', 'APP_SECRET', 'S3_BUCKET'] as const) {
      if (!e[name]) problems.push(`  ${name}: required when NODE_ENV=production`);
    }
  }
  const s3Embedded = !e.S3_BUCKET;
  if (!s3Embedded && (!e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY)) {
    problems.push('  S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: required with S3_BUCKET');
  }
  if (e.LTI_KEY && e.APP_SECRET && e.LTI_KEY === e.APP_SECRET) {
    problems.push('  APP_SECRET: must differ from LTI_KEY (ltijs accepts anything signed with its key)');
  }
  for (const origin of e.FRAME_ANCESTORS.split(',').map((o) => o.trim()).filter(Boolean)) {
    if (!/^https?:\/\/[^/?#\s]+$/.test(origin)) problems.push(`  FRAME_ANCESTORS: "${origin}" is not an origin (https://lms.example.edu, no path)`);
  }
  if (problems.length) throw new ConfigError(`Invalid settings in the environment:\n${problems.join('\n')}`);

  const dataDir = path.resolve(e.DATA_DIR);
  const generated = e.LTI_KEY && e.APP_SECRET ? undefined : localSecrets(dataDir);
  const embeddedPort = e.EMBEDDED_S3_PORT ?? (e.PORT === 0 ? 0 : e.PORT + 1);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    dataDir,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dir: path.join(dataDir, 'db') },
    s3: {
      embedded: s3Embedded,
      endpoint: e.S3_ENDPOINT,
      publicEndpoint: e.S3_PUBLIC_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET ?? 'invigil',
      // The embedded S3 checks signatures with a secret of this install's own (never s3rver's well-known one).
      accessKeyId: e.S3_ACCESS_KEY_ID ?? 'invigil-embedded',
      secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? embeddedS3Secret(dataDir),
      forcePathStyle: e.S3_FORCE_PATH_STYLE ? e.S3_FORCE_PATH_STYLE === 'true' : Boolean(e.S3_ENDPOINT) || s3Embedded,
      serverSideEncryption: e.S3_SERVER_SIDE_ENCRYPTION === 'none' ? undefined : e.S3_SERVER_SIDE_ENCRYPTION,
      embeddedPort,
    },
    ltiKey: e.LTI_KEY ?? generated!.ltiKey,
    appSecret: e.APP_SECRET ?? generated!.appSecret,
    toolName: e.TOOL_NAME,
    heartbeatTimeoutMs: e.HEARTBEAT_TIMEOUT_SECONDS * 1000,
    sessionHolidays: e.SESSION_HOLIDAYS.split(',').map((d) => d.trim()).filter(Boolean),
    idleFinalizeMs: e.IDLE_FINALIZE_MINUTES * 60_000,
    adminKey: e.ADMIN_KEY,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    extensionPackagesDir: path.resolve(e.EXTENSION_PACKAGES_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.output', 'packages')),
    frameAncestors: e.FRAME_ANCESTORS.split(',').map((o) => o.trim()).filter(Boolean),
    registrationInternalHosts: e.REGISTRATION_INTERNAL_HOSTS.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
  };
}
