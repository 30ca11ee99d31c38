// Messages between a tool page and the extension's page bridge (window.postMessage). No dependencies: the
// content script that carries them runs on every page.
export const bridgeSource = 'invigil';
export type BridgeMessage =
  | { source: typeof bridgeSource; type: 'ping' }
  | { source: typeof bridgeSource; type: 'pong'; version: string }
  | { source: typeof bridgeSource; type: 'start'; apiBase: string; startToken: string }
  | { source: typeof bridgeSource; type: 'started'; attemptId: string }
  | { source: typeof bridgeSource; type: 'error'; message: string }
  | { source: typeof bridgeSource; type: 'check' }
  | { source: typeof bridgeSource; type: 'check-result'; ok: boolean; warnings: string[]; lightLevel: number; faceSize: number; faces: number };
