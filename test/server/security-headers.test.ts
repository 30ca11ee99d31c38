// Security headers on every route: what `curl -I` shows on the home page, a tool page, the LTI login and the
// extension API. Only the registered LMSs may frame the tool; no inline script anywhere.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { describe, expect } from 'vitest';
import { securityHeaders } from '../../lti-server/http/security-headers.ts';
import { launch } from '../support/flows.ts';
import { lmsTest } from '../support/fixtures.ts';

const test = lmsTest();

const head = async (url: string) => (await fetch(url, { method: 'GET', redirect: 'manual' })).headers;

describe('security headers', () => {
  test('on the home page, a tool page, the LTI login, the extension API and health', async ({ lms: { invigil, platform }, quiz: { resourceLinkId } }) => {
    const student = await launch(platform, { user: 'student-h', role: 'learner', resource: resourceLinkId });
    const urls = [`${invigil.url}/`, student.page.url, `${invigil.url}/lti/login`, `${invigil.url}/ext/attempts/start`, `${invigil.url}/healthz`];
    for (const url of urls) {
      const headers = await head(url);
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toContain('unsafe-inline');
      // The test LMS frames from its issuer: it, and only it (and the tool itself), may frame these pages.
      expect(csp, url).toMatch(new RegExp(`frame-ancestors 'self' ${platform.issuer.replace(/[.:/]/g, '\\$&')}(;|$)`));
      expect(headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(headers.get('referrer-policy'), url).toBe('no-referrer');
      expect(headers.get('x-powered-by'), url).toBeNull();
      // Plain http (a test on localhost): none of ours (ltijs's helmet adds one under /lti, which browsers ignore over
      // http, RFC 6797 8.1).
      if (!url.includes('/lti/')) expect(headers.get('strict-transport-security'), url).toBeNull();
    }
  });

  test('HSTS behind https', async () => {
    const app = express().use(securityHeaders({ https: true, mediaOrigin: 'https://bucket.example', frameAncestors: () => ['https://school.instructure.com'] }))
      .get('/app/x', (_req, res) => res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const headers = await head(`http://127.0.0.1:${(server.address() as AddressInfo).port}/app/x`);
      expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(headers.get('content-security-policy')).toContain("media-src 'self' blob: https://bucket.example");
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://school.instructure.com");
    } finally {
      server.close();
    }
  });
});
