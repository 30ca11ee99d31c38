// The extension's API as a test calls it: a POST under /ext with the attempt's bearer token, answered as JSON.
import type { TestInvigil } from './invigil.ts';

export async function extensionCall(invigil: TestInvigil, pathname: string, body: unknown, token?: string) {
  const response = await fetch(`${invigil.url}/ext${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() as { error?: { code: string; message: string } } & Record<string, unknown> };
}
