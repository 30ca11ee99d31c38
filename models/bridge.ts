// Messages between a tool page and the extension's page bridge (window.postMessage). No dependencies: the tool's
// start page and the extension's content scripts both import it.
export const bridgeSource = 'invigil';
export type BridgeMessage =
  | { source: typeof bridgeSource; type: 'ping' }
  | { source: typeof bridgeSource; type: 'pong'; version: string }
  /** From a page Invigil does not trust yet, on the student's click: the extension may ask the student. Never answered. */
  | { source: typeof bridgeSource; type: 'request-approval' }
  | { source: typeof bridgeSource; type: 'start'; apiBase: string; startToken: string }
  | { source: typeof bridgeSource; type: 'started'; attemptId: string }
  | { source: typeof bridgeSource; type: 'error'; message: string }
  | { source: typeof bridgeSource; type: 'check' }
  | { source: typeof bridgeSource; type: 'check-result'; ok: boolean; warnings: string[]; lightLevel: number; faceSize: number; faces: number };

/** Is this window message a bridge message from the page itself (not another frame or window)? */
export function bridgeMessageFrom(event: MessageEvent<unknown>): Partial<BridgeMessage> | undefined {
  if (event.source !== window || event.origin !== window.location.origin) return undefined;
  const m = event.data as Partial<BridgeMessage> | undefined;
  return m?.source === bridgeSource ? m : undefined;
}
