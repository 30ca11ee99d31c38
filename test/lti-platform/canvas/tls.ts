// HTTPS on loopback for the Canvas emulator: a throwaway certificate authority made with openssl, one certificate
// for every emulated host, and the two things a real network would give — names that resolve (here all to
// 127.0.0.1) and a CA the clients trust. Chromium gets both as flags (host-resolver rules, the CA's key pin); the
// test process (where Invigil runs) gets a DNS lookup that answers for these names and the CA added to its roots.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import dns from 'node:dns';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export type LoopbackTls = {
  key: string; cert: string; ca: string;
  /** The suffixes the names end in, for the resolver rules. */
  hosts: string[];
  /** Chromium flags: resolve the names to loopback, trust certificates under the CA's key. */
  chromiumArgs: string[];
};

/** One CA and one leaf certificate valid for `hosts` (wildcards allowed), made in a temporary folder. */
export function makeLoopbackTls(hosts: string[]): LoopbackTls {
  const dir = mkdtempSync(path.join(tmpdir(), 'invigil-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Invigil test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${hosts[0]}`, '-keyout', file('leaf.key'), '-out', file('leaf.csr'));
    writeFileSync(file('leaf.ext'), `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
    openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('leaf.ext'), '-out', file('leaf.pem'));
    const ca = readFileSync(file('ca.pem'), 'utf8');
    const cert = readFileSync(file('leaf.pem'), 'utf8');
    // Chromium trusts a certificate chain whose key hash is listed (it needs no CA store of its own for that).
    const spki = (pem: string) => createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const suffixes = [...new Set(hosts.map((h) => h.replace(/^\*\./, '')))];
    return {
      key: readFileSync(file('leaf.key'), 'utf8'), cert, ca, hosts,
      chromiumArgs: [
        `--host-resolver-rules=${suffixes.map((h) => `MAP ${h} 127.0.0.1, MAP *.${h} 127.0.0.1`).join(', ')}`,
        `--ignore-certificate-errors-spki-list=${spki(cert)},${spki(ca)}`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const trusted = new Set<string>();
/**
 * This process resolves the names to 127.0.0.1 and trusts the CA: what the machine's DNS and CA store would do for
 * a real Canvas. Invigil runs in the test process, so its own requests (JWKS, tokens, the REST API) go through it.
 */
export function trustInThisProcess(loopback: LoopbackTls) {
  if (!trusted.has(loopback.ca)) {
    trusted.add(loopback.ca);
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...trusted]);
  }
  const ours = (host: string) => loopback.hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) || host === h.slice(2) : host === h));
  const original = dns.lookup;
  const lookup = function (this: unknown, host: string, options: unknown, callback?: unknown) {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const opts = (typeof options === 'object' && options !== null ? options : typeof options === 'number' ? { family: options } : {}) as { all?: boolean };
    if (!ours(host)) return (original as (...a: unknown[]) => void).call(dns, host, options, callback);
    if (opts.all) return process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(cb, null, '127.0.0.1', 4);
  } as typeof dns.lookup;
  dns.lookup = lookup;
  syncBuiltinESMExports();
  return () => {
    dns.lookup = original;
    syncBuiltinESMExports();
  };
}
