// The JS API: model description, run() with typed arrays or { data, shape }, errors as
// TensorliteError carrying the runtime's message, and hostile files that must never trap the module.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tensorlite from '../dist/tensorlite.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CORPUS = `${REPO}tests/data/tflm/`;
const ADD = `${CORPUS}add_model_float.tflite`;
const PERSON = `${CORPUS}person_detect.tflite`;

test('describes inputs and outputs, with quantization', async () => {
  const m = await tensorlite.loadModel(PERSON);
  assert.deepEqual(m.inputs.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
    [{ name: 'input', shape: [1, 96, 96, 1], dtype: 'int8' }]);
  const q = m.inputs[0].quantization;
  assert.ok(Math.abs(q.scale - 0.007843137718737125) < 1e-9 && q.zeroPoint === -1);
  assert.deepEqual(m.outputs[0].shape, [1, 2]);
  assert.equal(m.outputs[0].quantization.zeroPoint, -128);
  m.inputs[0].shape[0] = 7; // a copy: the model's own description is unchanged
  assert.equal(m.inputs[0].shape[0], 1);
  m.dispose();
});

test('loads from a path, a file URL, bytes and an ArrayBuffer, with the same results', async () => {
  const bytes = readFileSync(ADD);
  const sources = [ADD, pathToFileURL(ADD), new Uint8Array(bytes), bytes.buffer.slice(bytes.byteOffset,
    bytes.byteOffset + bytes.length)];
  const results = [];
  for (const source of sources) {
    const m = await tensorlite.loadModel(source);
    const x = Float32Array.from({ length: m.inputs[0].shape.reduce((a, b) => a * b) }, (_, i) => i / 7 - 1);
    const feeds = Object.fromEntries(m.inputs.map((i) => [i.name, { data: x, shape: i.shape }]));
    const out = await m.run(feeds);
    results.push(Object.values(out)[0]);
    m.dispose();
  }
  for (const r of results) assert.deepEqual(r, results[0]);
  assert.equal(results[0].dtype, 'float32');
  assert.ok(results[0].data instanceof Float32Array);
});

test('plain and SIMD builds and wasmBinary give the same int8 outputs', async () => {
  const x = Int8Array.from({ length: 96 * 96 }, (_, i) => ((i * 37) % 256) - 128);
  const outs = [];
  for (const options of [{ simd: false }, { simd: tensorlite.simdSupported() }, { cpuFeatures: 0 },
    { wasmBinary: readFileSync(new URL('../dist/tensorlite.wasm', import.meta.url)), simd: false }]) {
    const m = await tensorlite.loadModel(PERSON, options);
    outs.push(Object.values(await m.run({ input: x }))[0]);
    m.dispose();
  }
  for (const o of outs) assert.deepEqual(o, outs[0]);
});

test('wrong calls are TensorliteErrors naming the problem', async () => {
  const m = await tensorlite.loadModel(PERSON);
  const rejects = (feeds, re, code) => assert.rejects(m.run(feeds),
    (e) => e instanceof tensorlite.TensorliteError && e instanceof Error && re.test(e.message) && e.code === code);
  await rejects({}, /input 'input' is missing/, 'BAD_ARGUMENT');
  await rejects({ image: new Int8Array(9216) }, /no input 'image'/, 'BAD_ARGUMENT');
  await rejects({ input: new Float32Array(9216) }, /expected Int8Array for dtype int8, got Float32Array/, 'TYPE_UNSUPPORTED');
  await rejects({ input: new Int8Array(10) }, /10 elements/, 'SHAPE_MISMATCH');
  await rejects({ input: { data: new Int8Array(9216), shape: [1, 96, 1, 96] } }, /shape \[1,96,1,96\]/, 'SHAPE_MISMATCH');
  m.dispose();
  await assert.rejects(m.run({ input: new Int8Array(9216) }), /disposed/);
  m.dispose(); // twice is harmless
});

test('a corrupt file is an error with the runtime message, never a trap', async () => {
  await assert.rejects(tensorlite.loadModel(new Uint8Array(16)),
    (e) => e.code !== 'TRAPPED' && /^loadModel: model/.test(e.message));
  await assert.rejects(tensorlite.loadModel(`${CORPUS}no_such_model.tflite`), /cannot read/);
  for (const f of readdirSync(`${CORPUS}fuzz`)) {
    try {
      const m = await tensorlite.loadModel(`${CORPUS}fuzz/${f}`);
      const feeds = m.inputs.map((i) => new ({ float32: Float32Array, int8: Int8Array, uint8: Uint8Array,
        int32: Int32Array, int16: Int16Array })[i.dtype](i.shape.reduce((a, b) => a * b, 1)));
      await m.run(feeds).catch((e) => assert.notEqual(e.code, 'TRAPPED', `${f}: ${e.message}`));
      m.dispose();
    } catch (e) {
      assert.ok(e instanceof tensorlite.TensorliteError, `${f}: ${e}`);
      assert.notEqual(e.code, 'TRAPPED', `${f}: ${e.message}`);
    }
  }
});

test('mutated corpus models load or fail cleanly (seeded byte flips)', async () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let failed = 0, ran = 0;
  for (const name of ['hello_world_int8.tflite', 'add_model_quant8.tflite', 'keyword_scrambled_8bit.tflite']) {
    const good = readFileSync(`${CORPUS}${name}`);
    for (let k = 0; k < 60; k++) {
      const bad = new Uint8Array(good);
      for (let f = 0; f < 1 + Math.floor(rand() * 8); f++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      try {
        const m = await tensorlite.loadModel(bad);
        await m.run(m.inputs.map((i) => new ({ float32: Float32Array, int8: Int8Array, uint8: Uint8Array,
          int32: Int32Array, int16: Int16Array, int64: BigInt64Array, bool: Uint8Array })[i.dtype](
          i.shape.reduce((a, b) => a * b, 1)))).catch((e) => { if (e.code === 'TRAPPED') throw e; });
        ran++;
        m.dispose();
      } catch (e) {
        assert.ok(e instanceof tensorlite.TensorliteError, `${name} mutation ${k}: ${e}`);
        assert.notEqual(e.code, 'TRAPPED', `${name} mutation ${k}: ${e.message}`);
        failed++;
      }
    }
  }
  assert.equal(failed + ran, 180);
});

test('profile times every operator and leaves results unchanged', async () => {
  const m = await tensorlite.loadModel(PERSON);
  const x = Int8Array.from({ length: 96 * 96 }, (_, i) => (i % 255) - 127);
  const before = await m.run([x]);
  const p = m.profile([x], 2);
  assert.equal(p.length, 31); // person_detect's 31 nodes (its golden's op list)
  assert.deepEqual(p.slice(0, 3).map((n) => n.op), ['DEPTHWISE_CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D']);
  assert.equal(p.at(-1).op, 'SOFTMAX');
  assert.ok(p.every((n) => n.ms >= 0) && p.reduce((a, n) => a + n.ms, 0) > 0);
  assert.deepEqual(await m.run([x]), before);
  m.dispose();
});
