// The one place a failure the extension cannot act on goes: a log line with where it happened, and, while an
// attempt runs, an `extension_error` event on its timeline. Never an empty catch.
type Sink = (where: string, message: string) => void;
let sink: Sink | undefined;

export function describeError(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}

export function reportFailure(where: string, error: unknown) {
  const message = describeError(error);
  console.warn(`[invigil] ${where}: ${message}`);
  try {
    sink?.(where, message);
  } catch (sinkError) {
    console.warn(`[invigil] reporting a failure failed: ${describeError(sinkError)}`);
  }
}

/** `.catch(failed('…'))`: a rejected promise is reported under that name and resolves to undefined. */
export const failed = (where: string) => (error: unknown): undefined => {
  reportFailure(where, error);
  return undefined;
};

/** While an attempt runs, failures also become events; the returned function stops that. */
export function recordFailuresWith(next: Sink) {
  sink = next;
  return () => {
    if (sink === next) sink = undefined;
  };
}
