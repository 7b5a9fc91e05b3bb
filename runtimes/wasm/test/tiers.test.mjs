// The optimized tier (wasm SIMD128 micro-kernels in the SIMD build, portable C in both) against the
// reference kernels on TensorFlow-made models (tests/data/tf_converted: float, float16-weight, dynamic-range
// and int8 convolutions, LSTM/GRU, control flow) with seeded random inputs: integers bit for bit, floats
// within 1e-5 (relative to the output's largest magnitude), as tests/runtime_c/test_optimized_kernels.py.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tensorlite from '../dist/tensorlite.js';

const DIR = fileURLToPath(new URL('../../../tests/data/tf_converted/', import.meta.url));
const MODELS = readdirSync(DIR).filter((f) => f.endsWith('.tflite')).sort();
const TYPED = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, int32: Int32Array };

function inputs(model, seed) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return model.inputs.map((i) => {
    const n = i.shape.reduce((a, b) => a * b, 1);
    const x = new TYPED[i.dtype](n);
    for (let k = 0; k < n; k++) {
      x[k] = i.dtype === 'float32' ? rand() * 2 - 1 : i.dtype === 'int32' ? Math.floor(rand() * 4)
        : Math.floor(rand() * 256) - (i.dtype === 'uint8' ? 0 : 128);
    }
    return x;
  });
}

async function outputs(file, options, seed) {
  const m = await tensorlite.loadModel(`${DIR}${file}`, options);
  try {
    return Object.values(m.runSync(inputs(m, seed)));
  } finally {
    m.dispose();
  }
}

test('tf_converted models are present', () => assert.ok(MODELS.length >= 8, MODELS.join(' ')));

const builds = tensorlite.simdSupported() ? [true, false] : [false];
for (const file of MODELS) {
  test(`tiers agree with the reference kernels: ${file}`, async () => {
    for (const simd of builds) {
      for (const seed of [1, 2]) {
        const want = await outputs(file, { simd, referenceKernels: true }, seed);
        for (const options of simd ? [{ simd }, { simd, cpuFeatures: 0 }] : [{ simd }]) {
          const got = await outputs(file, options, seed);
          assert.equal(got.length, want.length);
          got.forEach((g, j) => {
            const what = `${file} ${JSON.stringify(options)} seed ${seed} output ${j}`;
            if (g.dtype !== 'float32') return assert.deepEqual(g.data, want[j].data, what);
            const scale = Math.max(1, ...Array.from(want[j].data, Math.abs));
            want[j].data.forEach((w, i) => {
              if (!(Math.abs(g.data[i] - w) <= 1e-5 * scale + 1e-5 * Math.abs(w))) assert.fail(`${what}[${i}]: ${g.data[i]} vs ${w}`);
            });
          });
        }
      }
    }
  });
}
