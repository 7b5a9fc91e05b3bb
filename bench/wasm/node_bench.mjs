// node node_bench.mjs MODEL.tflite MODEL.onnx RUNS: tensorlite's wasm vs onnxruntime-web's wasm backend
// in Node, one thread, same input, taking turns run by run; prints one JSON line.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web/wasm';
import * as tensorlite from '../../runtimes/wasm/dist/tensorlite.js';
import { input, maxAbsDiff, onnxruntime, tensorlite as ours, timeAll } from './engines.mjs';

const [tflite, onnx, runs = '20'] = process.argv.slice(2);
const shape = [1, 224, 224, 3];
const x = input(shape);
const a = await ours(tensorlite, readFileSync(tflite));
const b = await onnxruntime(ort, readFileSync(onnx), shape);
const [ta, tb] = await timeAll([a, b], x, Number(runs));
console.log(JSON.stringify({
  tensorlite: { median: ta.median, min: ta.min, simd: a.simd },
  onnxruntime_web: { median: tb.median, min: tb.min },
  max_abs_diff: maxAbsDiff(ta.y, tb.y),
}));
