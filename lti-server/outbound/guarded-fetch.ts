// Requests the server makes to addresses it was handed (Dynamic Registration): never to loopback, link-local,
// private or other internal addresses unless an admin named the host, checked at connect time (so DNS rebinding
// cannot slip past), with a timeout and a size cap. Errors say what failed, never what an internal host answered.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Address ranges a request from the server must not reach on a stranger's say-so. */
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

/** Is this address one the server may reach for anyone (not loopback, private, link-local, multicast…)? */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address underneath.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]);
    return !internal.check(address, 'ipv6');
  }
  return !internal.check(address, 'ipv4');
}

export class OutboundError extends Error {}

export type OutboundPolicy = {
  /** Host names an admin allowed even on internal addresses (a campus LMS on a private network). */
  allowedInternalHosts: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
};

/** A DNS lookup that refuses internal addresses for hosts the admin did not allow. */
function guardedLookup(host: string, policy: OutboundPolicy): LookupFunction {
  const allowed = policy.allowedInternalHosts.includes(host.toLowerCase());
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (refused && !allowed) {
        return callback(new OutboundError(`${hostname} resolves to an internal address (${refused.address}); an administrator must allow this host.`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Sends a request and parses a JSON answer; refuses internal addresses, slow answers and large ones. */
export async function fetchJson(url: string, init: { method?: 'GET' | 'POST'; json?: unknown; headers?: Record<string, string> }, policy: OutboundPolicy): Promise<unknown> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new OutboundError(`"${url.slice(0, 200)}" is not a URL.`);
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new OutboundError(`Only http(s) addresses are fetched, not ${target.protocol}`);
  if (target.username || target.password) throw new OutboundError('Addresses with credentials in them are not fetched.');
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host) && !policy.allowedInternalHosts.includes(host)) {
    throw new OutboundError(`${host} is an internal address; an administrator must allow this host.`);
  }
  const body = init.json === undefined ? undefined : Buffer.from(JSON.stringify(init.json));
  const maxBytes = policy.maxBytes ?? 1024 * 1024;
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(target, {
      method: init.method ?? 'GET',
      lookup: guardedLookup(host, policy),
      timeout: policy.timeoutMs ?? 10_000,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}), ...init.headers },
    }, (response) => {
      const status = response.statusCode ?? 0;
      const parts: Buffer[] = [];
      let size = 0;
      response.on('data', (part: Buffer) => {
        size += part.length;
        if (size > maxBytes) {
          request.destroy(new OutboundError(`${target.host} answered with more than ${Math.round(maxBytes / 1024)} KiB.`));
          return;
        }
        parts.push(part);
      });
      response.on('end', () => {
        if (status < 200 || status >= 300) return reject(new OutboundError(`${target.host} answered HTTP ${status}.`));
        try {
          resolve(JSON.parse(Buffer.concat(parts).toString('utf8')));
        } catch {
          reject(new OutboundError(`${target.host} did not answer with JSON.`));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new OutboundError(`${target.host} did not answer within ${Math.round((policy.timeoutMs ?? 10_000) / 1000)} s.`)));
    request.on('error', (error) => reject(error instanceof OutboundError ? error : new OutboundError(`${target.host} could not be reached (${(error as NodeJS.ErrnoException).code ?? 'connection failed'}).`)));
    request.end(body);
  });
}
