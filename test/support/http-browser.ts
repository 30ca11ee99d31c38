// Just enough of a browser for LTI flows without one: a cookie jar, manual redirects, auto-submitted forms.
export type PageResult = { url: string; status: number; body: string; headers: Headers };

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The first POST form on a page, with its hidden fields: how LTI moves a browser between platform and tool. */
export function findAutoForm(html: string) {
  const form = /<form[^>]*action="([^"]*)"[^>]*method="post"[^>]*>|<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>/i.exec(html)
    ?? /<form[^>]*action="([^"]*)"[^>]*method="POST"[^>]*>/.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (name) fields[decode(name)] = decode(value);
  }
  return { action: decode(form[1] ?? form[2]), fields };
}

export class HttpBrowser {
  private cookies = new Map<string, Map<string, string>>();
  /** The CSRF token the last tool page carried (a form's `_csrf`, or the start page's config), sent as its scripts do. */
  private csrf = new Map<string, string>();
  /** Every address requested and every Set-Cookie received, in order. */
  readonly history: { url: string; setCookie: string[] }[] = [];

  private rememberCsrf(url: URL, body: string) {
    const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? /"csrf":"([^"]+)"/.exec(body)?.[1];
    if (token) this.csrf.set(url.origin, decode(token));
  }

  private cookieHeader(url: URL) {
    const jar = this.cookies.get(url.hostname);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  private store(url: URL, headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const jar = this.cookies.get(url.hostname) ?? new Map();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(pair.slice(0, i).trim());
      else jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
      this.cookies.set(url.hostname, jar);
    }
  }

  /** The Cookie header this browser sends to `url`: for a download read as bytes with fetch. */
  cookiesFor(url: string) {
    return this.cookieHeader(new URL(url));
  }

  /** `csrf: false` sends a request as another site would make the browser send it: the cookie, but not the page's token. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown; csrf?: false } = {}): Promise<PageResult> {
    let current = new URL(url);
    let method = init.method ?? (init.form || init.json ? 'POST' : 'GET');
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : init.json ? JSON.stringify(init.json) : undefined;
    let contentType = init.form ? 'application/x-www-form-urlencoded' : init.json ? 'application/json' : undefined;
    for (let hops = 0; hops < 20; hops++) {
      const headers: Record<string, string> = { cookie: this.cookieHeader(current) };
      const csrf = this.csrf.get(current.origin);
      if (method !== 'GET' && csrf && init.csrf !== false) headers['x-csrf-token'] = csrf;
      if (contentType) headers['content-type'] = contentType;
      const response = await fetch(current, { method, body, headers, redirect: 'manual' });
      this.store(current, response.headers);
      this.history.push({ url: current.toString(), setCookie: response.headers.getSetCookie() });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current);
        if (response.status !== 307 && response.status !== 308) { method = 'GET'; body = undefined; contentType = undefined; }
        continue;
      }
      const text = await response.text();
      this.rememberCsrf(current, text);
      return { url: current.toString(), status: response.status, body: text, headers: response.headers };
    }
    throw new Error(`Too many redirects from ${url}`);
  }

  /** Follows auto-submitting POST forms (platform ↔ tool) until a page without one. */
  async follow(url: string, options: { stopAt?: (page: PageResult) => boolean; form?: Record<string, string> } = {}): Promise<PageResult> {
    let page = await this.request(url, options.form ? { form: options.form } : {});
    for (let hops = 0; hops < 10; hops++) {
      if (options.stopAt?.(page)) return page;
      // A page that works with script only says where to go on without it (the tool's platform-storage step).
      const continueLink = /<noscript>(?:(?!<\/noscript>)[\s\S])*?<a href="([^"]+)">Continue<\/a>/.exec(page.body)?.[1];
      if (continueLink && !findAutoForm(page.body)) {
        page = await this.request(new URL(decode(continueLink), page.url).toString());
        continue;
      }
      const form = findAutoForm(page.body);
      if (!form || !/\.submit\(\)/.test(page.body)) return page;
      page = await this.request(new URL(form.action, page.url).toString(), { form: form.fields });
    }
    return page;
  }
}
