// AWS Signature Version 4, checked: the embedded S3 accepts a request only if it was signed (in its headers, or as
// a presigned URL) with this deployment's secret, and is not expired. s3rver checks none of this itself.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type SignedRequest = { method: string; url: string; headers: Record<string, string | string[] | undefined> };
export type Credentials = { accessKeyId: string; secretAccessKey: string };
export type Verdict = { ok: true } | { ok: false; reason: string };

const algorithm = 'AWS4-HMAC-SHA256';
/** A header-signed request older (or newer) than this is refused, as S3 does. */
const headerClockSkewMs = 15 * 60_000;

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding, as SigV4 wants it. */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function parseAmzDate(value: string | undefined) {
  const m = value && /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function header(request: SignedRequest, name: string) {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function signatureFor(request: SignedRequest, parts: { amzDate: string; scope: string; signedHeaders: string[]; payloadHash: string; query: [string, string][] }, secret: string) {
  const path = request.url.split('?')[0] || '/';
  const canonicalQuery = parts.query.map(([k, v]) => [encode(k), encode(v)]).sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const canonicalHeaders = parts.signedHeaders.map((name) => `${name}:${(header(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [request.method, path, canonicalQuery, canonicalHeaders, parts.signedHeaders.join(';'), parts.payloadHash].join('\n');
  const stringToSign = [algorithm, parts.amzDate, parts.scope, sha256Hex(canonicalRequest)].join('\n');
  const [date, region, service] = parts.scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function verifySignature(request: SignedRequest, credentials: Credentials, now = Date.now()): Verdict {
  const query = [...new URL(request.url, 'http://s3.invalid').searchParams.entries()];
  const q = Object.fromEntries(query);
  let amzDate: string | undefined; let credential: string | undefined; let signedHeaders: string[]; let provided: string | undefined; let payloadHash: string;
  const authorization = header(request, 'authorization');
  if (q['X-Amz-Signature']) {
    if (q['X-Amz-Algorithm'] !== algorithm) return { ok: false, reason: 'unsupported signature algorithm' };
    ({ 'X-Amz-Date': amzDate, 'X-Amz-Credential': credential, 'X-Amz-Signature': provided } = q);
    signedHeaders = (q['X-Amz-SignedHeaders'] ?? '').split(';').filter(Boolean);
    payloadHash = q['X-Amz-Content-Sha256'] ?? 'UNSIGNED-PAYLOAD';
    const signedAt = parseAmzDate(amzDate);
    const expires = Number(q['X-Amz-Expires']);
    if (!signedAt || !Number.isInteger(expires) || expires < 1 || expires > 604_800) return { ok: false, reason: 'malformed presigned URL' };
    if (now > signedAt.getTime() + expires * 1000) return { ok: false, reason: 'presigned URL expired' };
  } else if (authorization?.startsWith(`${algorithm} `)) {
    const fields = Object.fromEntries(authorization.slice(algorithm.length + 1).split(',').map((f) => f.trim().split('=') as [string, string]));
    credential = fields.Credential;
    provided = fields.Signature;
    signedHeaders = (fields.SignedHeaders ?? '').split(';').filter(Boolean);
    amzDate = header(request, 'x-amz-date');
    payloadHash = header(request, 'x-amz-content-sha256') ?? '';
    const signedAt = parseAmzDate(amzDate);
    if (!signedAt || !payloadHash) return { ok: false, reason: 'malformed signed request' };
    if (Math.abs(now - signedAt.getTime()) > headerClockSkewMs) return { ok: false, reason: 'request time too far from now' };
  } else {
    return { ok: false, reason: 'anonymous access is not allowed' };
  }
  const [accessKeyId, ...scopeParts] = (credential ?? '').split('/');
  const scope = scopeParts.join('/');
  if (accessKeyId !== credentials.accessKeyId) return { ok: false, reason: 'unknown access key' };
  if (scopeParts.length !== 4 || scopeParts[0] !== amzDate!.slice(0, 8) || scopeParts[3] !== 'aws4_request') return { ok: false, reason: 'malformed credential scope' };
  if (!signedHeaders.includes('host')) return { ok: false, reason: 'the host header must be signed' };
  // Every query parameter is signed except the signature itself (header-signed requests have none).
  const signedQuery = query.filter(([k]) => k !== 'X-Amz-Signature');
  const expected = signatureFor(request, { amzDate: amzDate!, scope, signedHeaders, payloadHash, query: signedQuery }, credentials.secretAccessKey);
  return provided && same(expected, provided) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
