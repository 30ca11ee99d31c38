// Closing what a test opened may fail when it is already gone (a killed browser, a closed page): say so and go on,
// so the rest of the clean-up still runs.
export const cleanupFailed = (what: string) => (error: unknown) => {
  console.warn(`clean-up: ${what}: ${error instanceof Error ? error.message : String(error)}`);
};

/** A page that navigates away while puppeteer evaluates in it rejects the evaluation: expected, anything else is not. */
export const navigatedAway = (error: unknown) => {
  if (error instanceof Error && /context was destroyed|navigat|Target closed|detached/i.test(error.message)) return undefined;
  throw error;
};
