// Node only: decodes a JPEG or PNG file into the detector's Frame (no DOM, no native code).
import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Frame } from './detector.ts';

export class UnsupportedImageError extends Error {}

export async function readImageFile(file: string): Promise<Frame> {
  const bytes = await readFile(file);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512 });
    return { data: image.data, width: image.width, height: image.height, channels: 3 };
  }
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const image = PNG.sync.read(bytes);
    return { data: image.data, width: image.width, height: image.height, channels: 4 };
  }
  throw new UnsupportedImageError(`${file} is not a JPEG or PNG image`);
}
