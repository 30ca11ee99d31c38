// LTI platform storage (the 1EdTech postMessage storage Canvas implements): put or get one value in the LMS's
// storage frame, then go on. The frame is the one lti.capabilities names (Canvas: post_message_forwarding), reached
// as window.parent.frames[name] with the LMS's authorisation origin as target; without an answer from it, the
// message goes to window.parent with '*' (the fallback Canvas relays). Without any answer the page goes on anyway:
// the launch cookie may have been kept.
import type { PlatformStorageTask } from '../lti/launch-front.ts';
import { byId, pageData } from './page-data.ts';

type Reply = { subject: string; message_id: string; value?: string | null; error?: { code: string; message: string }; supported_messages?: { subject: string; frame?: string }[] };

function ask(target: Window, origin: string, message: Record<string, unknown>, timeoutMs: number): Promise<Reply | undefined> {
  const id = crypto.randomUUID();
  return new Promise((resolve) => {
    const done = (reply: Reply | undefined) => {
      window.removeEventListener('message', listen);
      clearTimeout(timer);
      resolve(reply);
    };
    const listen = (event: MessageEvent<Reply>) => {
      if (origin !== '*' && event.origin !== origin) return;
      if (event.data?.message_id === id && event.data.subject === `${String(message.subject)}.response`) done(event.data);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    window.addEventListener('message', listen);
    target.postMessage({ ...message, message_id: id }, origin);
  });
}

async function storage(task: PlatformStorageTask, message: Record<string, unknown>) {
  if (window.parent === window) return undefined;
  const capabilities = await ask(window.parent, '*', { subject: 'lti.capabilities' }, 1500);
  const frameName = capabilities?.supported_messages?.find((m) => m.subject === message.subject)?.frame ?? task.target;
  let frame: Window | undefined;
  try {
    frame = (window.parent.frames as unknown as Record<string, Window | undefined>)[frameName];
  } catch {
    frame = undefined;
  }
  const viaFrame = frame ? await ask(frame, task.platformOrigin, message, 2500) : undefined;
  return viaFrame ?? ask(window.parent, '*', message, 2500);
}

const task = pageData<PlatformStorageTask>('platform-storage-task');
if (task.mode === 'put') {
  void storage(task, { subject: 'lti.put_data', key: task.key, value: task.value }).finally(() => window.location.replace(task.next));
} else {
  void storage(task, { subject: 'lti.get_data', key: task.key }).then((reply) => {
    const form = byId<HTMLFormElement>(task.formId);
    form.querySelector<HTMLInputElement>(`[name="${task.field}"]`)!.value = typeof reply?.value === 'string' ? reply.value : 'none';
    form.submit();
  });
}
