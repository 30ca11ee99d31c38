// Security headers on every response. Pages run only their own bundled scripts (no inline code) and may be framed
// only by the registered LMSs; tool pages also load media from the bucket and post forms back to the LMS.
import type { RequestHandler } from 'express';

/** The tool pages' policy (/app): media from the bucket, forms back to the LMS (Deep Linking). */
export function contentSecurityPolicy(mediaOrigin: string, frameAncestors: readonly string[] = []) {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'",
    `img-src 'self' data: ${mediaOrigin}`, `media-src 'self' blob: ${mediaOrigin}`, "connect-src 'self'",
    `frame-ancestors 'self'${frameAncestors.map((o) => ` ${o}`).join('')}`,
  ].join('; ');
}

/** Everything else (the home page, LTI endpoints, JSON): nothing but our own scripts and styles. */
export function strictPolicy(frameAncestors: readonly string[] = []) {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'", "base-uri 'none'",
    `frame-ancestors 'self'${frameAncestors.map((o) => ` ${o}`).join('')}`,
  ].join('; ');
}

export function securityHeaders(options: { https: boolean; mediaOrigin: string; frameAncestors: () => readonly string[] }): RequestHandler {
  return (req, res, next) => {
    const ancestors = options.frameAncestors();
    res.setHeader('Content-Security-Policy', req.path.startsWith('/app/') ? contentSecurityPolicy(options.mediaOrigin, ancestors) : strictPolicy(ancestors));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Never leak a page's address (its query once held sessions) to the sites it links to.
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (options.https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
