// Who may frame Invigil's pages: the LMSs it is registered with. Moodle frames from its issuer; Canvas from each
// school's own domain (its issuer is canvas.instructure.com), which launches name in their return URL. The list is
// read from the database (every process sees every platform) and a launch's origins count at once in its process.
import { sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { platformIssuers } from '../lti/database-plugin.ts';
import { launches } from '../../models/schema.ts';
import { originOf } from '../../models/origins.ts';

/** The origins an LMS launch shows itself from: its issuer and its return URL's site. */
export const launchOrigins = (issuer: string, token: Record<string, unknown>) => [
  originOf(issuer),
  originOf((token.platformContext as { launchPresentation?: { return_url?: string } } | undefined)?.launchPresentation?.return_url),
].filter((o): o is string => !!o);

export function frameAncestors(deps: { db: Database; configured: string[]; refreshMs?: number }) {
  let known = new Set<string>(deps.configured);
  const seen = new Set<string>();
  async function refresh() {
    const issuers = await platformIssuers(deps.db);
    // Launches are kept a week (jobs/housekeeping.ts): the school domains seen lately.
    const rows = await deps.db.selectDistinct({
      origin: sql<string | null>`substring(${launches.token}->'platformContext'->'launchPresentation'->>'return_url' from '^https?://[^/?#]+')`,
    }).from(launches);
    known = new Set([...deps.configured, ...issuers.map(originOf), ...rows.map((r) => r.origin)].filter((o): o is string => !!o));
  }
  const timer = setInterval(() => void refresh().catch((error: Error) => console.error('[invigil] reading the LMS origins for frame-ancestors:', error.message)), deps.refreshMs ?? 60_000);
  timer.unref();
  return {
    refresh,
    /** A launch just came from these origins: allow them now, before the next refresh. */
    remember: (origins: string[]) => {
      for (const o of origins) seen.add(o);
    },
    list: () => [...new Set([...known, ...seen])].sort(),
    stop: () => clearInterval(timer),
  };
}
