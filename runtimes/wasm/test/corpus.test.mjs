// The conformance corpus (tests/data/tflm) through the WebAssembly build, as
// tests/conformance/test_corpus_c.py runs it through the host build: every model against LiteRT's
// reference-kernel goldens (TFLM's where LiteRT cannot run it), float rtol 1e-4 / atol 1e-5,
// integers within 1 LSB (bit for bit for pending.py's BIT_EXACT), in the SIMD build and the plain
// one. Then the optimized tier against the reference kernels inside the wasm build, on the same
// inputs: integers bit for bit, floats within 1e-5 (KERNELS.md's contract), in both builds.
// Run: node --test runtimes/wasm/test/   (after sh runtimes/wasm/build.sh)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tensorlite from '../dist/tensorlite.js';
import { readNpz } from './npz.mjs';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CORPUS = `${REPO}tests/data/tflm/`;
const MODELS = [...readdirSync(CORPUS), ...readdirSync(`${CORPUS}seanet`).map((f) => `seanet/${f}`)]
  .filter((f) => f.endsWith('.tflite')).sort();

// pending.py is the one place that names the models no CPU runtime runs and the bit-exact ones.
const pending = readFileSync(`${REPO}tests/conformance/pending.py`, 'utf8');
const namesIn = (block) => [...(new RegExp(`^${block} = \\{([^}]*)\\}`, 'm').exec(pending)?.[1] ?? '')
  .matchAll(/"([^"]+\.tflite)"/g)].map((m) => m[1]);
const PERMANENT = new Set(namesIn('PERMANENT'));
const BIT_EXACT = new Set(namesIn('BIT_EXACT'));

function golden(model) {
  const path = `${CORPUS}${model.replace(/\.tflite$/, '.golden.npz')}`;
  if (!existsSync(path)) return null;
  const g = readNpz(path);
  const source = Object.keys(g).some((k) => k.startsWith('litert_0_')) ? 'litert' : 'tflm';
  const samples = [...new Set(Object.keys(g).filter((k) => k.startsWith('in_')).map((k) => k.split('_')[1]))].sort();
  return { g, source, samples };
}

function maxAbsDiff(got, want) {
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(Number(got[i]) - Number(want[i])));
  return diff;
}

function compareGolden(what, got, want, exact) {
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  if (want.dtype.startsWith('float')) {
    for (let i = 0; i < want.data.length; i++) {
      const g = got.data[i], w = want.data[i];
      const ok = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-5 + 1e-4 * Math.abs(w);
      if (!ok) assert.fail(`${what}[${i}]: ${g} vs golden ${w} (rtol 1e-4, atol 1e-5)`);
    }
  } else {
    const diff = maxAbsDiff(got.data, want.data);
    assert.ok(diff <= (exact ? 0 : 1), `${what}: off by ${diff} LSB`);
  }
}

async function runSamples(model, gold, options) {
  const m = await tensorlite.loadModel(`${CORPUS}${model}`, options);
  try {
    return gold.samples.map((s) => {
      m.resetVariables(); // every sample starts from zero state, as the goldens did
      return Object.values(m.runSync(m.inputs.map((_, i) => gold.g[`in_${s}_${i}`].data)));
    });
  } finally {
    m.dispose();
  }
}

const BUILDS = tensorlite.simdSupported() ? [{ simd: true }, { simd: false }] : [{ simd: false }];

test('the corpus is present', () => {
  assert.ok(MODELS.length >= 40, `${MODELS.length} models in ${CORPUS}`);
  assert.ok(PERMANENT.size >= 1 && BIT_EXACT.size >= 1, 'pending.py was read');
});

for (const model of MODELS) {
  test(`golden: ${model}`, async () => {
    if (PERMANENT.has(model)) {
      await assert.rejects(tensorlite.loadModel(`${CORPUS}${model}`),
        (e) => e instanceof tensorlite.TensorliteError && /node \d+ \(CUSTOM /.test(e.message));
      return;
    }
    const gold = golden(model);
    assert.ok(gold, `${model} has no golden npz`);
    for (const build of BUILDS) {
      const outs = await runSamples(model, gold, build);
      gold.samples.forEach((s, k) => {
        const n = Object.keys(gold.g).filter((key) => key.startsWith(`${gold.source}_${s}_`)).length;
        assert.equal(outs[k].length, n, `${model}: output count`);
        outs[k].forEach((out, j) => compareGolden(`${model} (simd ${build.simd}) sample ${s} output ${j}`, out,
          gold.g[`${gold.source}_${s}_${j}`], BIT_EXACT.has(model)));
      });
    }
  });

  if (PERMANENT.has(model)) continue;
  test(`optimized vs reference kernels: ${model}`, async () => {
    const gold = golden(model);
    for (const build of BUILDS) {
      const ref = await runSamples(model, gold, { ...build, referenceKernels: true });
      const opt = await runSamples(model, gold, build);
      ref.forEach((outs, k) => outs.forEach((want, j) => {
        const got = opt[k][j], what = `${model} (simd ${build.simd}) sample ${k} output ${j}`;
        if (want.dtype.startsWith('float')) {
          const scale = Math.max(1, ...Array.from(want.data, Math.abs).filter(Number.isFinite));
          for (let i = 0; i < want.data.length; i++) {
            const g = got.data[i], w = want.data[i];
            if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= 1e-5 * scale + 1e-5 * Math.abs(w))) {
              assert.fail(`${what}[${i}]: optimized ${g}, reference ${w}`);
            }
          }
        } else {
          assert.deepEqual(got.data, want.data, `${what}: not bit-exact`);
        }
      }));
    }
  });
}
