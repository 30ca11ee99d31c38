// What a heartbeat's signature covers. No dependencies: the extension's background signs with it.
export const heartbeatMessage = (attemptId: string, h: { counter: number; sentAt: number }) => `${attemptId}.${h.counter}.${h.sentAt}`;
