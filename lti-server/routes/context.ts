// What every route module is built from.
import type { Config } from '../config.ts';
import type { Database } from '../database.ts';
import type { Queue } from '../jobs/queue.ts';
import type { Bucket } from '../storage/bucket.ts';
import type { TokenService } from '../http/tokens.ts';
import type { Provider } from 'ltijs';
import type { RateLimiter } from '../http/rate-limit.ts';
import type { LmsConnectionStore } from '../gate/lms-connections.ts';
import type { SessionFeed } from '../live/session-feed.ts';

export type RouteContext = {
  config: Config;
  db: Database;
  bucket: Bucket;
  tokens: TokenService;
  queue: Queue;
  lti: Provider;
  limiter: RateLimiter;
  /** The LMS web services admins connected (the gate's per-student passwords, the unproctored attempts). */
  connections: LmsConnectionStore;
  /** The live dashboards this instance serves, fed by every instance's notes. */
  feed: SessionFeed;
};
