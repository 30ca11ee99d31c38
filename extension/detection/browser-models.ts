// Loads the bundled models and the wasm backend from the extension's own files (never a CDN).
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createDetector, type Thresholds } from './detector.ts';

export async function loadExtensionDetector(getURL: (path: string) => string, thresholds?: Thresholds) {
  // The threaded build starts blob workers, which the MV3 CSP blocks: init would hang forever.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(getURL('/wasm/'));
  await tf.setBackend('wasm');
  await tf.ready();
  const [centernet, blazeface] = await Promise.all([
    loadGraphModel(getURL('/models/centernet.json')),
    loadGraphModel(getURL('/models/blazeface.json')),
  ]);
  return createDetector({ centernet, blazeface }, thresholds);
}
