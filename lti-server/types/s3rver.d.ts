declare module 's3rver' {
  export default class S3rver {
    constructor(options: { port?: number; address?: string; directory: string; silent?: boolean; configureBuckets?: unknown[] });
    run(): Promise<unknown>;
    close(): Promise<void>;
  }
}
