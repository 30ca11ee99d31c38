import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { modelName, modelPackageVersion } from '../../extension/detection/detector.ts';
import { readImageFile } from '../../extension/detection/image-file.ts';
import { detectionSet } from '../support/detection-eval.ts';

const run = promisify(execFile);

describe('npm run detect', () => {
  it('prints one JSON line per image, in order, for JPEG and PNG, and reports a bad file without stopping', async () => {
    const jpeg = path.join(detectionSet, 'images/coco_val2017_000000179112.jpg'); // a selfie with a phone
    const frame = await readImageFile(path.join(detectionSet, 'images/ultralytics_zidane.jpg'));
    const png = new PNG({ width: frame.width, height: frame.height });
    for (let i = 0; i < frame.width * frame.height; i++) {
      png.data.set([frame.data[i * 3], frame.data[i * 3 + 1], frame.data[i * 3 + 2], 255], i * 4);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'invigil-detect-'));
    const pngFile = path.join(dir, 'two-people.png');
    writeFileSync(pngFile, PNG.sync.write(png));
    const notImage = path.join(dir, 'notes.txt');
    writeFileSync(notImage, 'not an image');

    const result = await run('npx', ['tsx', 'extension/detection/cli.ts', jpeg, pngFile, notImage], { timeout: 120_000 })
      .then((r) => ({ code: 0, stdout: r.stdout }), (e: { code: number; stdout: string }) => e);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.image)).toEqual([jpeg, pngFile, notImage]);
    expect(lines[0]).toMatchObject({ persons: 1, phone: true });
    expect(lines[1]).toMatchObject({ persons: 2, phone: false });
    expect(lines[2].error).toContain('is not a JPEG or PNG image');
    for (const line of lines.slice(0, 2)) {
      for (const d of line.detections) {
        expect(['person', 'cell phone', 'face']).toContain(d.label);
        expect(d.score).toBeGreaterThan(0);
        expect(d.score).toBeLessThanOrEqual(1);
        expect(d.bbox).toHaveLength(4);
      }
    }
  }, 180_000);

  it('names the installed model package version in explanations', async () => {
    const { readFile } = await import('node:fs/promises');
    const installed = JSON.parse(await readFile('node_modules/@vladmandic/human/package.json', 'utf8')).version;
    expect(modelPackageVersion).toBe(installed);
    expect(modelName).toContain(installed);
  });
});
