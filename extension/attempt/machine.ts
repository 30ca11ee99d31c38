// The attempt's life in the background as an explicit state machine: idle → starting → running → finishing → idle.
// One transition function changes the phase; each attempt has one AbortController, created when it starts, that
// everything the attempt starts (lockdown, heartbeats, quiz pages) listens to: aborting it is the one teardown, on a
// failed start and at the end alike. The steps themselves (server calls, recorder, tabs) are injected, so the
// machine is tested without a browser.

export type AttemptPhase<Run> =
  | { name: 'idle' }
  | { name: 'starting'; controller: AbortController; settled: Promise<Run | undefined> }
  | { name: 'running'; controller: AbortController; run: Run }
  | { name: 'finishing'; run: Run; done: Promise<void> };

export type AttemptSteps<Request, Run> = {
  /** Brings an attempt up. Whatever it starts must stop when `signal` aborts; it cleans up its own stored state if it throws. */
  start(request: Request, signal: AbortSignal): Promise<Run>;
  /** Brings back the attempt stored before the worker restarted; undefined when there is none to resume. */
  resume(signal: AbortSignal): Promise<Run | undefined>;
  /** Runs once the attempt is running (so it is visible to what it tells, e.g. quiz pages asked to connect). Never throws. */
  running?(run: Run): Promise<void>;
  /** Ends a running attempt after its locks were lifted; `tellServer` is false when the server already knows. */
  end(run: Run, reason: string, options: { tellServer: boolean }): Promise<void>;
};

export class AttemptBusyError extends Error {
  constructor() {
    super('An attempt is already running in this browser. Finish it first.');
  }
}

export function createAttemptMachine<Request, Run>(steps: AttemptSteps<Request, Run>) {
  let phase: AttemptPhase<Run> = { name: 'idle' };
  const transition = (next: AttemptPhase<Run>) => {
    phase = next;
  };

  /** Starting and resuming share one path: the phase changes before the first await, so a second call is refused. */
  function bringUp(up: (signal: AbortSignal) => Promise<Run | undefined>): Promise<Run | undefined> {
    if (phase.name !== 'idle') return Promise.reject(new AttemptBusyError());
    const controller = new AbortController();
    const settled = up(controller.signal).then(async (run) => {
      if (run === undefined) {
        controller.abort();
        transition({ name: 'idle' });
        return undefined;
      }
      transition({ name: 'running', controller, run });
      await steps.running?.(run);
      return run;
    }, (error: unknown) => {
      controller.abort();
      transition({ name: 'idle' });
      throw error;
    });
    transition({ name: 'starting', controller, settled });
    return settled;
  }

  async function end(reason: string, options: { tellServer: boolean }): Promise<void> {
    if (phase.name === 'starting') {
      // Ending while starting: let the start settle, then end what it brought up.
      await Promise.allSettled([phase.settled]); // its failure is its own caller's to hear
      return end(reason, options);
    }
    if (phase.name === 'finishing') return phase.done;
    if (phase.name !== 'running') return;
    const { controller, run } = phase;
    controller.abort();
    const done = steps.end(run, reason, options).finally(() => transition({ name: 'idle' }));
    transition({ name: 'finishing', run, done });
    return done;
  }

  return {
    get phase(): AttemptPhase<Run>['name'] {
      return phase.name;
    },
    /** The attempt while it runs or finishes. */
    get current(): Run | undefined {
      return phase.name === 'running' || phase.name === 'finishing' ? phase.run : undefined;
    },
    /** The running attempt's signal: aborted when it ends. */
    get signal(): AbortSignal | undefined {
      return phase.name === 'running' || phase.name === 'starting' ? phase.controller.signal : undefined;
    },
    async start(request: Request): Promise<Run> {
      return (await bringUp((signal) => steps.start(request, signal)))!;
    },
    /** At worker start: resumes a stored attempt unless something else already began. */
    async resume(): Promise<Run | undefined> {
      if (phase.name !== 'idle') return undefined;
      return bringUp((signal) => steps.resume(signal));
    },
    finish: (reason: string) => end(reason, { tellServer: true }),
    /** The server ended the attempt (or it expired): unlock and stop, without telling it. */
    endLocally: (reason: string) => end(reason, { tellServer: false }),
  };
}
export type AttemptMachine<Request, Run> = ReturnType<typeof createAttemptMachine<Request, Run>>;
