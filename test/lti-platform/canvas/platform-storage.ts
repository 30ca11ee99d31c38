// Canvas's LTI platform storage (shared/lms-canvas.md, "The iframe, cookies and platform storage"), as two scripts:
// the hidden iframe#post_message_forwarding on the SSO origin that keeps each tool origin's keys (at most 500 keys,
// 4096 characters a value), and the launch page's own handler that answers lti.capabilities and relays put/get
// sent to window.parent with '*' (the fallback) to the forwarding frame and back.

export const storageLimits = { keys: 500, valueLength: 4096 };

/** The forwarding frame's page: it serves put/get for the tool origin the launch page named, and for nothing else. */
export function forwardingFramePage(toolOrigin: string, schoolOrigin: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>post_message_forwarding</title></head><body><script>
const toolOrigin = ${JSON.stringify(toolOrigin)}; const schoolOrigin = ${JSON.stringify(schoolOrigin)};
const limits = ${JSON.stringify(storageLimits)};
const stores = new Map(); // origin -> Map(key -> value)
window.addEventListener('message', (event) => {
  const data = event.data; if (!data || typeof data !== 'object' || typeof data.subject !== 'string') return;
  // A message relayed by the launch page carries the tool's origin; anything else is answered to its sender.
  const relayed = event.origin === schoolOrigin && data.relay_origin;
  const origin = relayed ? data.relay_origin : event.origin;
  const reply = (body) => event.source.postMessage(Object.assign({ subject: data.subject + '.response', message_id: data.message_id }, body, relayed ? { relay_origin: origin } : {}), event.origin);
  const error = (code, message) => reply({ error: { code, message } });
  if (origin !== toolOrigin) return error('wrong_origin', 'Message origin does not match the launched tool');
  if (data.subject !== 'lti.put_data' && data.subject !== 'lti.get_data') return error('unsupported_subject', 'Not supported: ' + data.subject);
  if (typeof data.key !== 'string' || !data.key || data.message_id === undefined) return error('bad_request', 'key and message_id are required');
  const store = stores.get(origin) || new Map(); stores.set(origin, store);
  if (data.subject === 'lti.get_data') return reply({ key: data.key, value: store.has(data.key) ? store.get(data.key) : null });
  if (data.value === undefined || data.value === null) { store.delete(data.key); return reply({ key: data.key }); }
  if (typeof data.value !== 'string') return error('bad_request', 'value must be a string');
  if (data.value.length > limits.valueLength) return error('storage_exhaustion', 'Value exceeds ' + limits.valueLength + ' characters');
  if (!store.has(data.key) && store.size >= limits.keys) return error('storage_exhaustion', 'Reached the limit of ' + limits.keys + ' keys');
  store.set(data.key, data.value);
  reply({ key: data.key, value: data.value });
});
</script></body></html>`;
}

/** The launch page's handler: capabilities, and the '*' fallback relayed through the forwarding frame. */
export function launchPageScript(ssoOrigin: string) {
  return `(() => {
const ssoOrigin = ${JSON.stringify(ssoOrigin)};
const forwarding = () => document.getElementById('post_message_forwarding').contentWindow;
const waiting = new Map(); // message_id -> the tool's window and origin
window.addEventListener('message', (event) => {
  const data = event.data; if (!data || typeof data !== 'object' || typeof data.subject !== 'string') return;
  if (event.origin === ssoOrigin && event.source === forwarding() && data.relay_origin) {
    const to = waiting.get(data.message_id); if (!to) return; waiting.delete(data.message_id);
    const answer = Object.assign({}, data); delete answer.relay_origin;
    return to.source.postMessage(answer, to.origin);
  }
  if (data.subject === 'lti.capabilities') {
    return event.source.postMessage({ subject: 'lti.capabilities.response', message_id: data.message_id, supported_messages: [
      { subject: 'lti.capabilities' }, { subject: 'lti.put_data', frame: 'post_message_forwarding' }, { subject: 'lti.get_data', frame: 'post_message_forwarding' },
      { subject: 'lti.frameResize' }, { subject: 'lti.scrollToTop' },
    ] }, event.origin);
  }
  if (data.subject === 'lti.put_data' || data.subject === 'lti.get_data') {
    waiting.set(data.message_id, { source: event.source, origin: event.origin });
    return forwarding().postMessage(Object.assign({}, data, { relay_origin: event.origin }), ssoOrigin);
  }
  if (data.subject === 'lti.frameResize' || data.subject === 'lti.scrollToTop') return;
  if (data.subject.startsWith('lti.')) event.source.postMessage({ subject: data.subject + '.response', message_id: data.message_id, error: { code: 'unsupported_subject', message: 'Not supported: ' + data.subject } }, event.origin);
});
})();`;
}
