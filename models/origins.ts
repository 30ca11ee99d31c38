// Web origins, as both the extension (trusted servers) and the server (who may frame it) compare them. No
// dependencies: the extension bundles it.

/** `https://proctor.example.edu` from any URL or origin on it; undefined for anything but an http(s) URL. */
export function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined; // not a URL at all: no origin
  }
}
