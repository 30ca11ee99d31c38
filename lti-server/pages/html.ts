// A tagged template that escapes every interpolated value unless it is already safe HTML.
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

/** Text for HTML: strings, numbers and the like; an object would print as [object Object], so callers pass text. */
export function escapeHtml(value: string | number | boolean | bigint | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === false || value === null || value === undefined) return '';
  // An object would print as [object Object]: a page bug to see at once, not to ship.
  if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`html\`\` cannot render a ${typeof value}; pass text or html\`\`.`);
  return escapeHtml(value as string | number | boolean | bigint);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

/** JSON for an inline <script type="application/json">, safe against `</script>` in the data. */
export function jsonScript(id: string, data: unknown): SafeHtml {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return new SafeHtml(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}
