// An Invigil server in a process of its own, as in production: for tests and benchmarks that kill, restart or run
// two of them. The server's own tsx start-up (`node --import tsx lti-server/main.ts`), with the given environment.
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts a server process and resolves once it listens; its last error output is in the error if it does not. */
export async function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lti-server/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  await new Promise<void>((resolve, reject) => {
    const slow = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`a server did not start within 2 minutes: ${output}`)); }, 120_000);
    child.once('exit', (code) => { clearTimeout(slow); reject(new Error(`a server exited with code ${code}: ${output}`)); });
    child.stdout.on('data', (data: Buffer) => { if (data.toString().includes('Invigil is running')) { clearTimeout(slow); resolve(); } });
  });
  return child;
}

/** Stops a server process (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits until it has exited. */
export async function stopServer(child: ChildProcess | undefined, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
