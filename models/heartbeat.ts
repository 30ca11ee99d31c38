// A heartbeat's signature: HMAC-SHA256 (base64url) keyed by the attempt token, over the attempt, counter and time.
// WebCrypto, so the extension signs and the server checks with the same code. No dependencies.
export const heartbeatMessage = (attemptId: string, h: { counter: number; sentAt: number }) => `${attemptId}.${h.counter}.${h.sentAt}`;

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export async function signHeartbeat(attemptToken: string, attemptId: string, beat: { counter: number; sentAt: number }) {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(attemptToken), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(heartbeatMessage(attemptId, beat)))));
}
