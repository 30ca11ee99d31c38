// `npm run detect -- <image> [<image> ...]`: the extension's detector, models loaded once, one JSON line per image
// in order. Each image is judged as a single sample (no temporal rule), with the shipped thresholds.
import { loadNodeDetector } from './node-detector.ts';
import { readImageFile } from './image-file.ts';

async function main() {
  const files = process.argv.slice(2).filter((a) => a !== '--');
  if (!files.length) {
    console.error('Usage: npm run detect -- <image.jpg|image.png> [...]');
    process.exit(2);
  }
  const detector = await loadNodeDetector();
  let failed = 0;
  for (const file of files) {
    try {
      const result = await detector.detect(await readImageFile(file));
      console.log(JSON.stringify({ image: file, persons: result.persons, phone: result.phone, detections: result.detections }));
    } catch (error) {
      failed += 1;
      console.log(JSON.stringify({ image: file, error: (error as Error).message }));
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
