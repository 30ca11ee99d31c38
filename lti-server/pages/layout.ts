// The frame every tool page shares: language, landmarks, a skip link and styles that meet WCAG 2.1 AA contrast.
import { html, type SafeHtml } from './html.ts';

const styles = `
:root { color-scheme: light; --ink:#1b1f24; --muted:#4a5360; --accent:#0b5cad; --bad:#a4161a; --ok:#1d6b2f; --line:#c9ced6; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input[type=text], input[type=url], input[type=number], textarea, select { width: 100%; padding: .5rem; border: 1px solid var(--muted); border-radius: 4px; font: inherit; }
.check { font-weight: normal; display: flex; gap: .5rem; align-items: center; }
button, .button { font: inherit; padding: .6rem 1.2rem; border-radius: 4px; border: 0; background: var(--accent); color: #fff; cursor: pointer; margin-top: 1rem; text-decoration: none; display: inline-block; }
button[disabled] { background: #6b7480; cursor: not-allowed; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); }
.notice { padding: .75rem 1rem; border-left: 4px solid var(--accent); background: #eef4fb; }
.error { border-color: var(--bad); background: #fbeeee; }
.ok { border-color: var(--ok); background: #edf7ef; }
.policy { white-space: pre-wrap; border: 1px solid var(--line); padding: 1rem; border-radius: 4px; }
.muted { color: var(--muted); }
.videos { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
video { width: 100%; background: #000; }
.timeline { list-style: none; padding: 0; } .timeline li { margin: .25rem 0; }
.timeline button.flag { background: #fff; color: var(--ink); border: 1px solid var(--line); border-left: 6px solid var(--accent); margin-top: 0; }
.timeline button.flag-phone, .timeline button.flag-multiple_people { border-left-color: var(--bad); }
`;

export function page(title: string, body: SafeHtml, options: { script?: SafeHtml } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Invigil</title>
<style>${new (body.constructor as typeof SafeHtml)(styles)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<main id="main">
${body}
</main>
${options.script ?? ''}
</body>
</html>`.toString();
}

export function errorPage(status: number, message: string): string {
  const title = status >= 500 ? 'Something went wrong' : status === 401 ? 'Please sign in again' : status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'This request could not be completed';
  return page(title, html`<h1>${title}</h1><p class="notice error" role="alert">${message}</p>`);
}
