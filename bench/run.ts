// `npm run bench [-- <group> ...]`: runs benchmark groups (all by default), prints a table, and merges the flat
// metrics into bench/results.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectBenchmark } from './groups/detect.ts';
import { recordingBenchmark } from './groups/recording.ts';
import { serverBenchmark } from './groups/server.ts';

export type Metrics = Record<string, number>;
const groups: Record<string, { describe: string; run: () => Promise<Metrics> }> = {
  server: serverBenchmark,
  detect: detectBenchmark,
  recording: recordingBenchmark,
};

const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');

async function main() {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((g) => !groups[g]);
  if (unknown.length) {
    console.error(`Unknown benchmark group(s): ${unknown.join(', ')}. Known: ${Object.keys(groups).join(', ')}`);
    process.exit(2);
  }
  const names = asked.length ? asked : Object.keys(groups);
  const all: Metrics = {};
  for (const name of names) {
    console.log(`\n▶ ${name}: ${groups[name].describe}`);
    const metrics = await groups[name].run();
    // A metric already named with its own prefix (review.seek_ms) keeps it.
    for (const [metric, value] of Object.entries(metrics)) all[metric.includes('.') ? metric : `${name}.${metric}`] = value;
  }
  const width = Math.max(...Object.keys(all).map((k) => k.length));
  console.log(`\n${'metric'.padEnd(width)}  value`);
  for (const [k, v] of Object.entries(all)) console.log(`${k.padEnd(width)}  ${Number.isInteger(v) ? v : v.toFixed(2)}`);
  const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  writeFileSync(resultsFile, `${JSON.stringify({ ...previous, ...all }, null, 2)}\n`);
  console.log(`\nMerged into ${path.relative(process.cwd(), resultsFile)}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
