// The frame every tool page shares: language, landmarks, a skip link and the stylesheet (client/styles.css, WCAG 2.1
// AA contrast). No inline script or style: pages pass JSON data islands and name their client module.
import { assetUrl, moduleScript } from './assets.ts';
import type { ClientEntry } from '../client/build.ts';
import { html, type SafeHtml } from './html.ts';


export function page(title: string, body: SafeHtml, options: { data?: SafeHtml; module?: ClientEntry } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Invigil</title>
<link rel="stylesheet" href="${assetUrl('styles')}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<main id="main">
${body}
</main>
${options.data ?? ''}
${options.module ? moduleScript(options.module) : ''}
</body>
</html>`.toString();
}

export function errorPage(status: number, message: string): string {
  const title = status >= 500 ? 'Something went wrong' : status === 401 ? 'Please sign in again' : status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'This request could not be completed';
  return page(title, html`<h1>${title}</h1><p class="notice error" role="alert">${message}</p>`);
}
