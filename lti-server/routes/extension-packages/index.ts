// /extension: getting the extension. The packages `npm run package` built, with the update manifests Chrome's
// ExtensionInstallForcelist and Firefox's ExtensionSettings point at, and a page telling each browser's users how.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { firefoxAddonId, type PackagesManifest } from '../../../models/extension-packages.ts';
import { html } from '../../pages/html.ts';
import { errorPage, page } from '../../pages/layout.ts';
import { anonymous } from '../../http/authenticate.ts';
import { route } from '../../http/route.ts';
import type { RouteContext } from '../context.ts';

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function extensionPackages({ config, limiter }: RouteContext) {
  const router = Router();
  const dir = config.extensionPackagesDir;
  /** Read on each request: packages rebuilt while the server runs are served at once. */
  const packages = (): PackagesManifest | undefined => {
    const file = path.join(dir, 'packages.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as PackagesManifest : undefined;
  };
  const base = `${config.publicUrl}/extension`;
  const missing = (res: Response) => res.status(404).type('html').send(errorPage(404, 'The Invigil extension has not been packaged on this server yet. An administrator runs npm run package.'));
  const get = (p: string) => route(router, 'get', p).authenticate(anonymous).limit(limiter, { name: 'extension-packages', max: 600, windowMs: 60_000 });

  get('/').handle(({ res }) => {
    const m = packages();
    if (!m) return missing(res);
    res.type('html').send(page('Install Invigil', html`<h1>Install the Invigil extension</h1>
<p>Version ${m.version}. Proctored quizzes need it in Chrome, Edge or Firefox on a computer.</p>
<h2 id="firefox">Firefox</h2>
<p><a href="${base}/firefox/invigil.xpi">Install Invigil for Firefox</a>. If Firefox says the add-on could not be verified, your institution installs it for you (below).</p>
<h2 id="chrome">Chrome and Edge</h2>
<p>Chrome installs extensions from outside its Web Store only when your institution's IT adds them. Ask IT, or install Invigil from the Web Store link your school gives you.</p>
<h2 id="it">For IT</h2>
<p>Chrome policy <code>ExtensionInstallForcelist</code>: <code>${m.chromeId};${base}/chrome/updates.xml</code></p>
<p>Firefox policy <code>ExtensionSettings</code>: <code>{"${firefoxAddonId}": {"installation_mode": "force_installed", "install_url": "${base}/firefox/invigil.xpi"}}</code></p>
<p>Trust this server with the extension's own policy: <code>{"approvedOrigins": ["${new URL(config.publicUrl).origin}"]}</code> (see the README).</p>`));
  });

  // Chrome's update manifest (the gupdate protocol).
  get('/chrome/updates.xml').handle(({ res }) => {
    const m = packages();
    if (!m) return missing(res);
    res.type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>
<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">
  <app appid="${xmlEscape(m.chromeId)}">
    <updatecheck codebase="${xmlEscape(`${base}/chrome/invigil.crx`)}" version="${xmlEscape(m.version)}" />
  </app>
</gupdate>
`);
  });
  // Firefox's update manifest.
  get('/firefox/updates.json').handle(({ res }) => {
    const m = packages();
    if (!m) return missing(res);
    res.json({ addons: { [firefoxAddonId]: { updates: [{ version: m.version, update_link: `${base}/firefox/invigil.xpi` }] } } });
  });
  const file = (p: string, pick: (m: PackagesManifest) => string, type: string) => get(p).handle(({ res }) => {
    const m = packages();
    if (!m) return missing(res);
    res.type(type).setHeader('Content-Disposition', `attachment; filename="${pick(m)}"`);
    res.sendFile(path.resolve(dir, pick(m)));
  });
  file('/chrome/invigil.crx', (m) => m.files.crx, 'application/x-chrome-extension');
  file('/chrome/invigil.zip', (m) => m.files.chromeZip, 'application/zip');
  file('/firefox/invigil.xpi', (m) => m.files.xpi, 'application/x-xpinstall');
  return router;
}
