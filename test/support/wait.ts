// Waiting on real systems (a browser, a job queue) without fixed sleeps.
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, explain?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${explain ? `: ${JSON.stringify(await explain())}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
