// Which Invigil servers may drive this extension. An institution's IT pushes its tool origins as policy (managed
// storage); without a policy, the student approves each origin once, in an extension page, and may revoke it.
import { browser } from 'wxt/browser';
import { originOf } from '../../models/origins.ts';

/** The managed-storage key (see managed-schema.json) and the local key of the student's own approvals. */
export const policyKey = 'approvedOrigins';
const approvalsKey = 'approvedOrigins';

export type Approvals = Record<string, { approvedAt: number }>;
/** Where the list in force comes from: IT's policy replaces the student's approvals entirely. */
export type Trust = { source: 'policy' | 'student'; origins: string[] };

/** The origins in force: a policy's (cleaned) if IT set one, else the student's approvals. */
export function trustFrom(policy: unknown, approvals: Approvals): Trust {
  if (Array.isArray(policy)) {
    const origins = policy.map((o) => originOf(typeof o === 'string' ? o : undefined)).filter((o): o is string => !!o);
    return { source: 'policy', origins: [...new Set(origins)] };
  }
  return { source: 'student', origins: Object.keys(approvals).filter((o) => originOf(o) === o) };
}

/** Match patterns for the origins: host only (ports are not portable in patterns); the bridge checks the origin itself. */
export const matchPatterns = (origins: string[]) => [...new Set(origins.map((o) => {
  const { protocol, hostname } = new URL(o);
  return `${protocol}//${hostname}/*`;
}))];

/** IT's list, or undefined where none is set (Firefox throws without a managed-storage manifest: no policy). */
async function readPolicy(): Promise<unknown> {
  try {
    return (await browser.storage.managed.get(policyKey))[policyKey];
  } catch (error) {
    if (/managed storage manifest not found|not supported|undefined/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

async function readApprovals(): Promise<Approvals> {
  return ((await browser.storage.local.get(approvalsKey))[approvalsKey] as Approvals | undefined) ?? {};
}

export async function currentTrust(): Promise<Trust> {
  return trustFrom(await readPolicy(), await readApprovals());
}

export async function isTrusted(origin: string | undefined) {
  return !!origin && (await currentTrust()).origins.includes(origin);
}

export async function approveOrigin(origin: string) {
  const approvals = await readApprovals();
  await browser.storage.local.set({ [approvalsKey]: { ...approvals, [origin]: { approvedAt: Date.now() } } });
}

export async function revokeOrigin(origin: string) {
  const { [origin]: _revoked, ...rest } = await readApprovals();
  await browser.storage.local.set({ [approvalsKey]: rest });
}

/** Calls `changed` whenever the policy or the student's approvals change. */
export function onTrustChanged(changed: () => void) {
  const listener = (changes: Record<string, unknown>, area: string) => {
    if ((area === 'managed' && policyKey in changes) || (area === 'local' && approvalsKey in changes)) changed();
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
