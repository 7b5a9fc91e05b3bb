// tensorlite.js — the JS API of tensorlite's C runtime built to WebAssembly (build.sh).
//
//   import * as tensorlite from 'tensorlite';
//   const model = await tensorlite.loadModel('model.tflite');       // a URL, a path (Node) or bytes
//   model.inputs;                               // [{ name, shape, dtype, quantization }]
//   const out = await model.run({ input: new Float32Array(784) });
//   out.Identity;                               // { data: Float32Array, shape: [1, 10], dtype: 'float32' }
//   model.dispose();
//
// Each model gets its own instance of the wasm module (its own memory), so a model that fails cannot
// disturb another. The SIMD build is used where the engine validates a SIMD instruction, else the
// plain one. Runs in browsers (main thread and workers) and in Node >= 18.

const WASM_FILES = { simd: 'tensorlite-simd.wasm', plain: 'tensorlite.wasm' };

// tl_status.def's names, by status value.
const STATUS_NAMES = ['OK', 'MODEL_TRUNCATED', 'MODEL_INVALID', 'MODEL_UNSUPPORTED', 'ARENA_TOO_SMALL',
  'OP_UNSUPPORTED', 'TYPE_UNSUPPORTED', 'SHAPE_MISMATCH', 'BAD_ARGUMENT', 'NOT_ALLOCATED',
  'INDEX_OUT_OF_RANGE', 'INVOKE_FAILED'];

// TFLite tensor types (tensorlite.h tl_type) as onnxruntime-web names them, with their typed arrays.
const TYPES = {
  0: ['float32', Float32Array], 1: ['float16', Uint16Array], 2: ['int32', Int32Array], 3: ['uint8', Uint8Array],
  4: ['int64', BigInt64Array], 6: ['bool', Uint8Array], 7: ['int16', Int16Array], 9: ['int8', Int8Array],
  10: ['float64', Float64Array], 12: ['uint64', BigUint64Array], 15: ['uint32', Uint32Array],
  16: ['uint16', Uint16Array],
};

// A module with one SIMD instruction (i8x16.splat): engines without wasm SIMD refuse it.
const SIMD_PROBE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 0x41, 0, 0xfd, 0x0f, 0x0b]);

/** An error from the runtime or from a wrong call; `code` is a tl_status.def name (or TRAPPED). */
export class TensorliteError extends Error {
  constructor(message, code = 'BAD_ARGUMENT') {
    super(message);
    this.name = 'TensorliteError';
    this.code = code;
  }
}

/** Whether this engine runs wasm SIMD (the build loadModel picks by default). */
export function simdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;

async function readFileUrl(url) {
  const fs = await import(/* webpackIgnore: true */ 'node:fs/promises');
  const { fileURLToPath } = await import(/* webpackIgnore: true */ 'node:url');
  return new Uint8Array(await fs.readFile(fileURLToPath(url)));
}

// Bytes at a URL: file: URLs (and plain paths in Node) are read from disk, anything else fetched.
async function fetchBytes(where, what) {
  let url;
  try {
    url = where instanceof URL ? where : new URL(where, isNode ? undefined : globalThis.location?.href);
  } catch {
    url = null; // a relative path in Node
  }
  if (isNode && (url === null || url.protocol === 'file:')) {
    const { pathToFileURL } = await import(/* webpackIgnore: true */ 'node:url');
    try {
      return await readFileUrl(url ?? pathToFileURL(String(where)));
    } catch (e) {
      throw new TensorliteError(`${what}: cannot read ${where}: ${e.message}`);
    }
  }
  const response = await fetch(url ?? where);
  if (!response.ok) throw new TensorliteError(`${what}: ${url ?? where}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const compiled = new Map(); // wasm URL -> Promise<WebAssembly.Module>, compiled once per page / process

async function wasmModule(options) {
  const simd = options.simd === undefined || options.simd === 'auto' ? simdSupported() : Boolean(options.simd);
  if (options.wasmBinary) {
    const bytes = options.wasmBinary instanceof ArrayBuffer ? options.wasmBinary
      : new Uint8Array(options.wasmBinary.buffer, options.wasmBinary.byteOffset, options.wasmBinary.byteLength);
    return { module: await WebAssembly.compile(bytes), simd: WebAssembly.validate(bytes) && simd };
  }
  const file = WASM_FILES[simd ? 'simd' : 'plain'];
  // wasmPath: a folder holding both builds (ending in '/') or one .wasm file; default: beside this module.
  const base = options.wasmPath ? String(options.wasmPath) : new URL('./', import.meta.url).href;
  const url = base.endsWith('.wasm') ? base : new URL(file, base.endsWith('/') ? base : base + '/').href;
  if (!compiled.has(url)) {
    compiled.set(url, fetchBytes(url, 'tensorlite wasm').then((b) => WebAssembly.compile(b)));
    compiled.get(url).catch(() => compiled.delete(url));
  }
  return { module: await compiled.get(url), simd };
}

function dtypeOf(type) {
  const entry = TYPES[type];
  if (!entry) throw new TensorliteError(`tensor type ${type} has no typed array in JavaScript`, 'TYPE_UNSUPPORTED');
  return entry;
}

class Model {
  #wasm; #handle; #it; #memory; #inputs; #outputs; #broken = null;

  constructor(instance, handle, simd) {
    this.#wasm = instance.exports;
    this.#memory = instance.exports.memory;
    this.#handle = handle;
    this.#it = this.#wasm.tlw_model_interpreter(handle);
    this.simd = simd;
    this.#inputs = this.#describe('input');
    this.#outputs = this.#describe('output');
  }

  /** [{ name, shape, dtype, quantization }] of the model's inputs, in order. */
  get inputs() { return this.#inputs.map(({ tensor, ...info }) => ({ ...info, shape: [...info.shape] })); }
  /** The same for the outputs. */
  get outputs() { return this.#outputs.map(({ tensor, ...info }) => ({ ...info, shape: [...info.shape] })); }
  /** Bytes of wasm memory the model's arena takes. */
  get arenaBytes() { return this.#handle ? Number(this.#wasm.tlw_model_arena_bytes(this.#handle)) : 0; }

  #string(ptr) {
    const heap = new Uint8Array(this.#memory.buffer);
    let end = ptr;
    while (heap[end] !== 0) end++;
    return new TextDecoder().decode(heap.subarray(ptr, end));
  }

  #describe(kind) {
    const w = this.#wasm;
    const count = w[`tl_interpreter_get_${kind}_count`](this.#it);
    const list = [];
    for (let i = 0; i < count; i++) {
      const t = w[`tl_interpreter_get_${kind}`](this.#it, i);
      const type = w.tlw_tensor_type(t);
      const [dtype] = dtypeOf(type);
      const shape = Array.from({ length: w.tlw_tensor_ndim(t) }, (_, d) => w.tlw_tensor_dim(t, d));
      const n = w.tlw_tensor_quant_count(this.#it, t);
      let quantization = null;
      if (n > 0) {
        const scales = Array.from({ length: n }, (_, c) => w.tlw_tensor_scale(this.#it, t, c));
        const zeroPoints = Array.from({ length: n }, (_, c) => w.tlw_tensor_zero_point(this.#it, t, c));
        quantization = { scale: scales[0], zeroPoint: zeroPoints[0], scales, zeroPoints, axis: w.tlw_tensor_quant_dim(t) };
      }
      list.push({ name: this.#string(w.tlw_tensor_name(this.#it, t)) || `${kind}_${i}`, shape, dtype, quantization, tensor: t });
    }
    return list;
  }

  #check(what) {
    if (!this.#handle) throw new TensorliteError(`${what}: the model was disposed`, 'BAD_ARGUMENT');
    if (this.#broken) throw new TensorliteError(`${what}: the model is unusable after an earlier failure: ${this.#broken}`, 'TRAPPED');
  }

  // Runs a wasm call; a trap (a runtime bug) marks this model unusable and becomes a TensorliteError.
  #guard(what, fn) {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TensorliteError) throw e;
      this.#broken = `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
      throw new TensorliteError(`${what}: the WebAssembly module trapped (${this.#broken})`, 'TRAPPED');
    }
  }

  #write(info, value) {
    const [dtype, Typed] = dtypeOf(this.#wasm.tlw_tensor_type(info.tensor));
    let data = value;
    let shape = null;
    if (value && !ArrayBuffer.isView(value) && !Array.isArray(value) && typeof value === 'object') {
      ({ data, shape } = value);
    }
    if (Array.isArray(data)) data = Typed.from(data, Typed === BigInt64Array || Typed === BigUint64Array ? BigInt : undefined);
    if (!ArrayBuffer.isView(data)) {
      throw new TensorliteError(`input '${info.name}': expected a typed array or { data, shape }, got ${typeof data}`);
    }
    if (!(data instanceof Typed)) {
      throw new TensorliteError(`input '${info.name}': expected ${Typed.name} for dtype ${dtype}, got ${data.constructor.name}`,
        'TYPE_UNSUPPORTED');
    }
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (shape != null && (shape.length !== info.shape.length || shape.some((d, i) => d !== info.shape[i]))) {
      throw new TensorliteError(`input '${info.name}': shape [${shape}] differs from the model's [${info.shape}]`,
        'SHAPE_MISMATCH');
    }
    if (data.length !== count) {
      throw new TensorliteError(`input '${info.name}': ${data.length} elements, the model's shape [${info.shape}] holds ${count}`,
        'SHAPE_MISMATCH');
    }
    const ptr = this.#wasm.tlw_tensor_data(info.tensor);
    new Typed(this.#memory.buffer, ptr, count).set(data);
  }

  /**
   * Runs the model. `feeds`: { inputName: typedArray | { data, shape } } (or an array in input order).
   * Resolves to { outputName: { data, shape, dtype } }, the data copied out of wasm memory.
   */
  async run(feeds) {
    return this.runSync(feeds);
  }

  /** run() without the Promise. */
  runSync(feeds) {
    this.#check('run');
    if (feeds == null || typeof feeds !== 'object') throw new TensorliteError('run: expected an object of inputs by name');
    const byIndex = Array.isArray(feeds);
    const known = new Set(this.#inputs.map((i) => i.name));
    if (!byIndex) {
      for (const key of Object.keys(feeds)) {
        if (!known.has(key)) throw new TensorliteError(`run: the model has no input '${key}' (inputs: ${[...known].join(', ')})`);
      }
    }
    this.#inputs.forEach((info, i) => {
      const value = byIndex ? feeds[i] : feeds[info.name];
      if (value === undefined) throw new TensorliteError(`run: input '${info.name}' is missing`);
      this.#write(info, value);
    });
    const status = this.#guard('run', () => this.#wasm.tlw_model_invoke(this.#handle));
    if (status !== 0) {
      throw new TensorliteError(`run: ${this.#string(this.#wasm.tlw_model_message(this.#handle))}`,
        STATUS_NAMES[status] ?? String(status));
    }
    const result = {};
    for (const info of this.#outputs) {
      const [dtype, Typed] = dtypeOf(this.#wasm.tlw_tensor_type(info.tensor));
      const count = info.shape.reduce((a, b) => a * b, 1);
      const ptr = this.#wasm.tlw_tensor_data(info.tensor);
      result[info.name] = { data: new Typed(this.#memory.buffer, ptr, count).slice(), shape: [...info.shape], dtype };
    }
    return result;
  }

  /** Resets variable tensors (recurrent state) to zero, as after loading. */
  resetVariables() {
    this.#check('resetVariables');
    const status = this.#guard('resetVariables', () => this.#wasm.tlw_model_reset_variables(this.#handle));
    if (status !== 0) throw new TensorliteError(`resetVariables: status ${STATUS_NAMES[status]}`, STATUS_NAMES[status]);
  }

  /**
   * Runs the model `runs` times on `feeds` timing each operator: [{ node, op, ms }] in execution order,
   * ms the mean wall time per run (the host's clock around each node).
   */
  profile(feeds, runs = 1) {
    this.#check('profile');
    const w = this.#wasm;
    if (!w.tlw_model_set_profiling(this.#handle, 1)) throw new TensorliteError('profile: out of wasm memory', 'ARENA_TOO_SMALL');
    try {
      for (let r = 0; r < runs; r++) this.runSync(feeds);
      const count = w.tl_interpreter_get_node_count(this.#it);
      const ms = new Float64Array(this.#memory.buffer, w.tlw_model_profile_ms(this.#handle), count);
      return Array.from(ms, (t, node) => ({ node, op: this.#string(w.tlw_model_node_op_name(this.#handle, node)), ms: t / runs }));
    } finally {
      w.tlw_model_set_profiling(this.#handle, 0);
    }
  }

  /** Frees the model's wasm memory; the model cannot run afterwards. */
  dispose() {
    if (!this.#handle) return;
    try {
      if (!this.#broken) this.#wasm.tlw_model_free(this.#handle);
    } finally {
      this.#handle = 0;
      this.#wasm = null;
      this.#memory = null;
    }
  }
}

async function modelBytes(source) {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof source === 'string' || source instanceof URL) return fetchBytes(source, 'loadModel');
  throw new TensorliteError('loadModel: expected a URL, a path, an ArrayBuffer, a typed array or a Blob');
}

/**
 * Loads a .tflite model and prepares it to run.
 * options: { simd: 'auto' | true | false, wasmPath: folder or .wasm URL, wasmBinary: the .wasm bytes,
 *            cpuFeatures: mask narrowing the optimized kernels' instruction sets (0: portable C),
 *            referenceKernels: true runs the reference kernels (the readable definitions) everywhere }.
 */
export async function loadModel(source, options = {}) {
  const bytes = await modelBytes(source);
  const { module, simd } = await wasmModule(options);
  const instance = await WebAssembly.instantiate(module, {
    // views are made afresh after every call; tlw_now is the clock of the per-operator profile
    env: { emscripten_notify_memory_growth: () => {}, tlw_now: () => performance.now() },
  });
  const w = instance.exports;
  w._initialize();
  let handle = 0;
  try {
    const ptr = w.malloc(Math.max(1, bytes.length));
    if (!ptr) throw new TensorliteError('loadModel: out of wasm memory for the model bytes', 'ARENA_TOO_SMALL');
    new Uint8Array(w.memory.buffer, ptr, bytes.length).set(bytes);
    const mask = options.cpuFeatures === undefined ? 0xffffffff : options.cpuFeatures >>> 0;
    handle = w.tlw_model_load(ptr, bytes.length, mask, options.referenceKernels ? 1 : 0); // takes the bytes
    if (!handle) throw new TensorliteError('loadModel: out of wasm memory', 'ARENA_TOO_SMALL');
    const status = w.tlw_model_status(handle);
    if (status !== 0) {
      const heap = new Uint8Array(w.memory.buffer);
      const msg = w.tlw_model_message(handle);
      let end = msg;
      while (heap[end] !== 0) end++;
      throw new TensorliteError(`loadModel: ${new TextDecoder().decode(heap.subarray(msg, end))}`,
        STATUS_NAMES[status] ?? String(status));
    }
    return new Model(instance, handle, simd);
  } catch (e) {
    if (e instanceof TensorliteError) throw e;
    throw new TensorliteError(`loadModel: the WebAssembly module trapped (${e?.name}: ${e?.message})`, 'TRAPPED');
  }
}

export default { loadModel, simdSupported, TensorliteError };
