// The background's attempt state machine, with its steps standing in for the server, recorder and tabs.
import { describe, expect, it } from 'vitest';
import { AttemptBusyError, createAttemptMachine } from '../../extension/attempt/machine.ts';

type Run = { id: string; signal: AbortSignal };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function machineWithSteps() {
  const calls = { start: 0, resume: 0, end: [] as { id: string; tellServer: boolean }[] };
  const gates = { start: deferred<void>(), end: deferred<void>() };
  const machine = createAttemptMachine<string, Run>({
    async start(id, signal) {
      calls.start += 1;
      await gates.start.promise;
      return { id, signal };
    },
    async resume() {
      calls.resume += 1;
      return undefined;
    },
    async end(run, _reason, { tellServer }) {
      calls.end.push({ id: run.id, tellServer });
      await gates.end.promise;
    },
  });
  return { machine, calls, gates };
}

describe('the attempt state machine', () => {
  it('starts one attempt when a second start (or the worker-start resume) comes during starting', async () => {
    const { machine, calls, gates } = machineWithSteps();
    const first = machine.start('a1');
    expect(machine.phase).toBe('starting');
    await expect(machine.start('a2')).rejects.toBeInstanceOf(AttemptBusyError);
    expect(await machine.resume()).toBeUndefined();
    gates.start.resolve();
    expect((await first).id).toBe('a1');
    expect(machine.phase).toBe('running');
    expect(calls).toMatchObject({ start: 1, resume: 0 });
    await expect(machine.start('a3')).rejects.toThrow('already running');
  });

  it('finishes once however often it is asked, aborting the attempt\'s signal before the end step', async () => {
    const { machine, calls, gates } = machineWithSteps();
    gates.start.resolve();
    const run = await machine.start('a1');
    const finishes = [machine.finish('popup'), machine.finish('quiz submitted'), machine.endLocally('server')];
    expect(run.signal.aborted).toBe(true);
    expect(machine.phase).toBe('finishing');
    gates.end.resolve();
    await Promise.all(finishes);
    expect(calls.end).toEqual([{ id: 'a1', tellServer: true }]);
    expect(machine.phase).toBe('idle');
  });

  it('returns to idle with the signal aborted when a start fails halfway, and can start again', async () => {
    const { machine, gates } = machineWithSteps();
    const failing = machine.start('a1');
    const signal = machine.signal!;
    gates.start.reject(new Error('the camera is busy'));
    await expect(failing).rejects.toThrow('the camera is busy');
    expect(signal.aborted).toBe(true);
    expect(machine.phase).toBe('idle');
  });

  it('waits for a start under way before ending it', async () => {
    const { machine, calls, gates } = machineWithSteps();
    const started = machine.start('a1');
    const ended = machine.endLocally('expired');
    gates.start.resolve();
    gates.end.resolve();
    await Promise.all([started, ended]);
    expect(calls.end).toEqual([{ id: 'a1', tellServer: false }]);
    expect(machine.phase).toBe('idle');
  });
});
