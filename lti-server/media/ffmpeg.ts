// Which ffmpeg and ffprobe the remux runs: the machine's when it has them (packaged, patched by the OS), else the
// static builds that npm packages carry, so `npm start` needs nothing installed.
import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

export type MediaTool = { path: string; source: 'machine' | 'npm package' };
export type MediaTools = { ffmpeg: MediaTool; ffprobe: MediaTool };

const require = createRequire(import.meta.url);

function onPath(name: string): string | undefined {
  try {
    execFileSync(name, ['-version'], { stdio: 'ignore', timeout: 10_000 });
    return name;
  } catch {
    return undefined;
  }
}

function bundled(pkg: string): string | undefined {
  try {
    return (require(pkg) as { path: string }).path;
  } catch {
    return undefined;
  }
}

function resolveTool(name: 'ffmpeg' | 'ffprobe', pkg: string): MediaTool {
  const machine = onPath(name);
  if (machine) return { path: machine, source: 'machine' };
  const fromPackage = bundled(pkg);
  if (fromPackage) return { path: fromPackage, source: 'npm package' };
  throw new Error(`No ${name} found: install it (apt-get install ffmpeg) or reinstall the npm dependencies (${pkg}).`);
}

let resolved: MediaTools | undefined;

/** Found once per process; `FFMPEG_PATH` and `FFPROBE_PATH` override the search. */
export function mediaTools(): MediaTools {
  resolved ??= {
    ffmpeg: process.env.FFMPEG_PATH ? { path: process.env.FFMPEG_PATH, source: 'machine' } : resolveTool('ffmpeg', '@ffmpeg-installer/ffmpeg'),
    ffprobe: process.env.FFPROBE_PATH ? { path: process.env.FFPROBE_PATH, source: 'machine' } : resolveTool('ffprobe', '@ffprobe-installer/ffprobe'),
  };
  return resolved;
}

const run = promisify(execFile);

export function ffmpeg(args: string[], options: { maxBuffer?: number } = {}) {
  return run(mediaTools().ffmpeg.path, args, { maxBuffer: options.maxBuffer ?? 1 << 26 });
}

/** ffmpeg writing its output (raw frames, a stream) to stdout. */
export function ffmpegBytes(args: string[], options: { maxBuffer?: number } = {}) {
  return run(mediaTools().ffmpeg.path, args, { encoding: 'buffer', maxBuffer: options.maxBuffer ?? 1 << 26 });
}

export function ffprobe(args: string[]) {
  return run(mediaTools().ffprobe.path, args);
}

/** One line for the start-up log. */
export function describeMediaTools(tools = mediaTools()) {
  return `ffmpeg ${tools.ffmpeg.source === 'machine' ? `from the machine (${tools.ffmpeg.path})` : 'from the npm package @ffmpeg-installer/ffmpeg'}`;
}
