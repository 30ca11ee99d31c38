// Node only (CLI, tests, benchmarks): loads the same models from node_modules into TF.js's wasm backend, as the
// extension does in the browser, reading files instead of fetching URLs. Never imported by the extension.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createDetector, type Thresholds } from './detector.ts';

const require = createRequire(import.meta.url);
// The package's exports hide package.json; its main entry sits in dist/, beside models/.
export const humanModels = path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

export async function loadModelFile(name: string) {
  const json = JSON.parse(await readFile(path.join(humanModels, `${name}.json`), 'utf8')) as tf.io.ModelJSON;
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.join(humanModels, p))));
  const weights = Buffer.concat(buffers);
  return loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }));
}

export async function loadNodeDetector(thresholds?: Thresholds) {
  setWasmPaths(`${wasmDir}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  const [centernet, blazeface] = await Promise.all([loadModelFile('centernet'), loadModelFile('blazeface')]);
  return createDetector({ centernet, blazeface }, thresholds);
}
