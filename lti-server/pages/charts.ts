// Charts for report pages, as SVG drawn on the server: bars and a step line. Each is a figure whose caption says
// what it shows and whose numbers are also in a table beside it, so nobody needs to see the picture to read it.
import { html, type SafeHtml } from './html.ts';

const width = 480;
const height = 200;
const pad = { left: 36, right: 12, top: 12, bottom: 40 };

/** Vertical bars with their values; labels under each bar. */
export function barChart(id: string, caption: string, bars: { label: string; value: number }[], valueLabel: string): SafeHtml {
  if (!bars.length) return html`<p id="${id}" class="muted">${caption}: nothing to show.</p>`;
  const top = Math.max(1, ...bars.map((b) => b.value));
  const inner = { w: width - pad.left - pad.right, h: height - pad.top - pad.bottom };
  const step = inner.w / bars.length;
  const bar = (b: { label: string; value: number }, i: number) => {
    const h = (b.value / top) * inner.h;
    const x = pad.left + i * step + step * 0.15;
    const y = pad.top + inner.h - h;
    return html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="#1f5fa8"></rect>
<text x="${(x + step * 0.35).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="11">${String(b.value)}</text>
<text x="${(x + step * 0.35).toFixed(1)}" y="${(pad.top + inner.h + 14).toFixed(1)}" text-anchor="middle" font-size="10">${b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label}</text>`;
  };
  return html`<figure id="${id}"><svg viewBox="0 0 ${String(width)} ${String(height)}" width="100%" role="img" aria-labelledby="${id}-caption">
<line x1="${String(pad.left)}" y1="${String(pad.top + inner.h)}" x2="${String(width - pad.right)}" y2="${String(pad.top + inner.h)}" stroke="#333"></line>
${bars.map(bar)}</svg>
<figcaption id="${id}-caption">${caption}</figcaption>
<table class="chart-data"><thead><tr><th scope="col">${caption}</th><th scope="col">${valueLabel}</th></tr></thead>
<tbody>${bars.map((b) => html`<tr><th scope="row">${b.label}</th><td>${String(b.value)}</td></tr>`)}</tbody></table></figure>`;
}

/** A rising step line: how many had done something by each minute. */
export function stepChart(id: string, caption: string, points: { x: number; y: number }[], xLabel: string, yLabel: string): SafeHtml {
  if (!points.length) return html`<p id="${id}" class="muted">${caption}: nothing to show yet.</p>`;
  const maxX = Math.max(1, ...points.map((p) => p.x));
  const maxY = Math.max(1, ...points.map((p) => p.y));
  const inner = { w: width - pad.left - pad.right, h: height - pad.top - pad.bottom };
  const sx = (x: number) => pad.left + (x / maxX) * inner.w;
  const sy = (y: number) => pad.top + inner.h - (y / maxY) * inner.h;
  let path = `${sx(0).toFixed(1)},${sy(0).toFixed(1)}`;
  let last = 0;
  for (const p of points) {
    path += ` ${sx(p.x).toFixed(1)},${sy(last).toFixed(1)} ${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
    last = p.y;
  }
  return html`<figure id="${id}"><svg viewBox="0 0 ${String(width)} ${String(height)}" width="100%" role="img" aria-labelledby="${id}-caption">
<line x1="${String(pad.left)}" y1="${String(pad.top + inner.h)}" x2="${String(width - pad.right)}" y2="${String(pad.top + inner.h)}" stroke="#333"></line>
<line x1="${String(pad.left)}" y1="${String(pad.top)}" x2="${String(pad.left)}" y2="${String(pad.top + inner.h)}" stroke="#333"></line>
<polyline points="${path}" fill="none" stroke="#1f5fa8" stroke-width="2"></polyline>
<text x="${String(pad.left)}" y="${String(height - 8)}" font-size="10">0</text><text x="${String(width - pad.right)}" y="${String(height - 8)}" font-size="10" text-anchor="end">${String(maxX)} ${xLabel}</text>
<text x="4" y="${String(pad.top + 8)}" font-size="10">${String(maxY)}</text></svg>
<figcaption id="${id}-caption">${caption}</figcaption>
<table class="chart-data"><thead><tr><th scope="col">${xLabel}</th><th scope="col">${yLabel}</th></tr></thead>
<tbody>${points.map((p) => html`<tr><td>${String(p.x)}</td><td>${String(p.y)}</td></tr>`)}</tbody></table></figure>`;
}
