// `npm run bench [-- <group> ...]`: builds what the groups need, runs them (all by default), prints a table with each
// target, merges the metrics into bench/results.json, and exits non-zero when a target is missed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureExtensionBuilt } from '../test/support/extension-build.ts';
import { detectBenchmark } from './groups/detect.ts';
import { faultsBenchmark } from './groups/faults.ts';
import { recordingBenchmark } from './groups/recording.ts';
import { reviewBenchmark } from './groups/review.ts';
import { serverBenchmark } from './groups/server.ts';
import { liveBenchmark } from './groups/live.ts';

export type Metrics = Record<string, number>;
type Group = { describe: string; needsExtension: boolean; run: () => Promise<Metrics> };
const groups: Record<string, Group> = {
  server: serverBenchmark,
  detect: detectBenchmark,
  recording: recordingBenchmark,
  review: reviewBenchmark,
  faults: faultsBenchmark,
  live: liveBenchmark,
};

/** The product's performance targets (README). A metric without one is reported for information. */
const targets: Record<string, { max?: number; below?: number; equals?: number }> = {
  'server.lost_events': { equals: 0 },
  'detect.overhead_ratio': { max: 1.2 },
  'detect.extension_cpu_share': { max: 0.15 },
  'recording.upload_kbps_per_stream': { max: 350 },
  'recording.upload_kbps_screen': { max: 400 },
  'recording.remux_seconds_per_hour': { below: 5 },
  'review.seek_ms': { below: 500 },
  'review.ready_seconds_p95': { below: 60 },
  'review.gap_seek_error_ms': { max: 1000 },
  'live.fanout_p99_ms': { below: 200 },
  'live.cross_instance_p99_ms': { below: 500 },
  'recording.loss_chunks': { equals: 0 },
  'faults.finished_share': { equals: 1 },
  'faults.lost_events': { equals: 0 },
  'faults.lost_flags': { equals: 0 },
  'faults.lost_chunks': { equals: 0 },
  'faults.unexplained_gaps': { equals: 0 },
};

const describeTarget = (t: (typeof targets)[string]) => (t.equals !== undefined ? `= ${t.equals}` : t.max !== undefined ? `≤ ${t.max}` : `< ${t.below}`);
const meets = (t: (typeof targets)[string], v: number) => (t.equals !== undefined ? v === t.equals : t.max !== undefined ? v <= t.max : v < t.below!);

const childMarker = 'BENCH_METRICS ';

function runChild(name: string): Promise<Metrics> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), name, '--child'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let metrics: Metrics | undefined;
    let pending = '';
    child.stdout.on('data', (data: Buffer) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(childMarker)) metrics = JSON.parse(line.slice(childMarker.length)) as Metrics;
        else console.log(line);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 && metrics ? resolve(metrics) : reject(new Error(`the ${name} benchmark failed (exit ${code})`))));
  });
}

const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');

async function main() {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((g) => !groups[g]);
  if (unknown.length) {
    console.error(`Unknown benchmark group(s): ${unknown.join(', ')}. Known: ${Object.keys(groups).join(', ')}`);
    process.exit(2);
  }
  const names = asked.length ? asked : Object.keys(groups);
  if (process.argv.includes('--child')) {
    // One group in this process: its metrics go to the parent on one line.
    const metrics = await groups[names[0]].run();
    console.log(`${childMarker}${JSON.stringify(metrics)}`);
    process.exit(0);
  }
  if (names.some((n) => groups[n].needsExtension)) ensureExtensionBuilt();
  const all: Metrics = {};
  for (const name of names) {
    console.log(`\n▶ ${name}: ${groups[name].describe}`);
    // Each group in a process of its own: ltijs is a per-process singleton, and groups must not share warm state.
    const metrics = await runChild(name);
    // A metric already named with its own prefix (review.seek_ms) keeps it.
    for (const [metric, value] of Object.entries(metrics)) all[metric.includes('.') ? metric : `${name}.${metric}`] = value;
  }
  const width = Math.max(...Object.keys(all).map((k) => k.length));
  const missed: string[] = [];
  console.log(`\n${'metric'.padEnd(width)}  ${'value'.padStart(10)}  target`);
  for (const [k, v] of Object.entries(all)) {
    const target = targets[k];
    const ok = !target || meets(target, v);
    if (!ok) missed.push(`${k} = ${v} (target ${describeTarget(target)})`);
    console.log(`${k.padEnd(width)}  ${(Number.isInteger(v) ? String(v) : v.toFixed(3)).padStart(10)}  ${target ? `${describeTarget(target)} ${ok ? 'met' : 'MISSED'}` : ''}`);
  }
  const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) as Metrics : {};
  writeFileSync(resultsFile, `${JSON.stringify({ ...previous, ...all }, null, 2)}\n`);
  console.log(`\nMerged into ${path.relative(process.cwd(), resultsFile)}`);
  if (missed.length) {
    console.error(`\nTargets missed:\n  ${missed.join('\n  ')}`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
