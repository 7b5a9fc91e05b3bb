// The demo page: the digits CNN on a drawing pad, and any .tflite dropped on the page run on random
// or image input, with its latency. Also what tests/wasm/test_browser.py drives (window.demo).
import * as tensorlite from '../dist/tensorlite.js';

const $ = (id) => document.getElementById(id);
const product = (shape) => shape.reduce((a, b) => a * b, 1);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// ---- model description and random / image inputs ------------------------------------------------
const TYPED = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
  uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  bool: Uint8Array, float16: Uint16Array };
const RANGE = { int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], bool: [0, 1],
  int32: [-100, 100], uint32: [0, 100] };

function randomInput(info) {
  const n = product(info.shape);
  const Typed = TYPED[info.dtype];
  const out = new Typed(n);
  if (info.dtype.startsWith('float') && info.dtype !== 'float16') {
    for (let i = 0; i < n; i++) out[i] = Math.random() * 2 - 1;
  } else if (Typed === BigInt64Array || Typed === BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = BigInt(Math.floor(Math.random() * 100));
  } else if (info.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = 0x3800 + Math.floor(Math.random() * 0x400); // [0.5, 1)
  } else {
    const [lo, hi] = RANGE[info.dtype];
    for (let i = 0; i < n; i++) out[i] = lo + Math.floor(Math.random() * (hi - lo + 1));
  }
  return out;
}

// An image into a [1, H, W, C] input: resized, pixel values in [0, 1] (float) or the input's quantized
// range of [0, 1] (int8 / uint8), grey when C is 1.
function imageInput(info, image) {
  const [, h, w, c] = info.shape;
  if (info.shape.length !== 4 || !(c === 1 || c === 3)) throw new Error(`input '${info.name}' is not an image [1, H, W, 1 or 3]`);
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0, w, h);
  const px = ctx.getImageData(0, 0, w, h).data;
  const out = new TYPED[info.dtype](w * h * c);
  const q = info.quantization;
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < c; k++) {
      const v = (c === 1 ? (px[4 * i] + px[4 * i + 1] + px[4 * i + 2]) / 3 : px[4 * i + k]) / 255;
      out[i * c + k] = q ? Math.max(info.dtype === 'int8' ? -128 : 0, Math.min(info.dtype === 'int8' ? 127 : 255,
        Math.round(v / q.scale + q.zeroPoint))) : v;
    }
  }
  return out;
}

function describe(model) {
  const row = (kind, t) => `<tr><td>${kind}</td><td>${t.name}</td><td>${t.dtype}</td><td>[${t.shape}]</td><td>${
    t.quantization ? `scale ${t.quantization.scale.toPrecision(4)}, zero point ${t.quantization.zeroPoint}` : ''}</td></tr>`;
  return `<table><tr><th></th><th>name</th><th>dtype</th><th>shape</th><th>quantization</th></tr>${
    model.inputs.map((t) => row('input', t)).join('')}${model.outputs.map((t) => row('output', t)).join('')}</table>`;
}

function summarize(outputs) {
  return Object.entries(outputs).map(([name, t]) => {
    const values = Array.from(t.data.slice(0, 10), (v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v)));
    let best = '';
    if (t.data.length > 1 && t.data.length <= 1001 && typeof t.data[0] === 'number') {
      let k = 0;
      t.data.forEach((v, i) => { if (v > t.data[k]) k = i; });
      best = `  argmax ${k}`;
    }
    return `${name} ${t.dtype}[${t.shape}]: ${values.join(', ')}${t.data.length > 10 ? ', …' : ''}${best}`;
  }).join('\n');
}

// Runs `feeds` `runs` times (in a Web Worker if asked): outputs and the median latency in ms.
async function timed(model, bytes, feeds, runs, inWorker) {
  if (inWorker) {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const reply = await new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); worker.postMessage({ bytes, feeds, runs }); });
    worker.terminate();
    if (reply.error) throw new Error(reply.error);
    return reply;
  }
  const times = [];
  let outputs;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    outputs = await model.run(feeds);
    times.push(performance.now() - t0);
  }
  return { outputs, ms: median(times) };
}

// ---- your model ---------------------------------------------------------------------------------
const state = { model: null, bytes: null };

async function openModel(bytes, name) {
  state.model?.dispose();
  state.model = null;
  $('result').textContent = '';
  try {
    const t0 = performance.now();
    state.model = await tensorlite.loadModel(bytes);
    state.bytes = bytes;
    $('model-info').innerHTML = `<p><b>${name}</b>: ${bytes.length.toLocaleString()} bytes, loaded in ${
      (performance.now() - t0).toFixed(1)} ms, arena ${state.model.arenaBytes.toLocaleString()} bytes</p>${describe(state.model)}`;
    $('actions').hidden = false;
  } catch (e) {
    $('model-info').innerHTML = '';
    $('actions').hidden = true;
    $('result').textContent = `${e.name} (${e.code}): ${e.message}`;
  }
}

async function runOn(makeFeeds) {
  try {
    const feeds = state.model.inputs.map(makeFeeds);
    const { outputs, ms } = await timed(state.model, state.bytes, feeds, 10, $('in-worker').checked);
    $('result').textContent = `${summarize(outputs)}\n\nlatency: ${ms.toFixed(2)} ms (median of 10 runs${
      $('in-worker').checked ? ', in a Web Worker' : ''})`;
  } catch (e) {
    $('result').textContent = `${e.name}: ${e.message}`;
  }
}

async function readFile(file) {
  return new Uint8Array(await file.arrayBuffer());
}

$('file').addEventListener('change', async (e) => { if (e.target.files[0]) openModel(await readFile(e.target.files[0]), e.target.files[0].name); });
$('drop').addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', async (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) openModel(await readFile(file), file.name);
});
$('run-random').addEventListener('click', () => runOn(randomInput));
$('image').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const image = await createImageBitmap(file);
  runOn((info, i) => (i === 0 ? imageInput(info, image) : randomInput(info)));
});

// ---- the digits pad -----------------------------------------------------------------------------
const digits = { model: null };
const pad = $('pad'), padCtx = pad.getContext('2d');
const small = $('small'), smallCtx = small.getContext('2d', { willReadFrequently: true });

function clearPad() {
  padCtx.fillStyle = '#000';
  padCtx.fillRect(0, 0, pad.width, pad.height);
  smallCtx.fillStyle = '#000';
  smallCtx.fillRect(0, 0, 8, 8);
  $('bars').innerHTML = '';
}

// The pad at 8x8, as the training images are: grey levels scaled to [0, 1] (the dataset's 0..16 / 16).
function padPixels() {
  smallCtx.imageSmoothingEnabled = true;
  smallCtx.imageSmoothingQuality = 'high';
  smallCtx.drawImage(pad, 0, 0, 8, 8);
  const px = smallCtx.getImageData(0, 0, 8, 8).data;
  return Float32Array.from({ length: 64 }, (_, i) => px[4 * i] / 255);
}

async function predict() {
  if (!digits.model) return;
  const t0 = performance.now();
  const out = Object.values(await digits.model.run([padPixels()]))[0].data;
  $('digits-latency').textContent = `${(performance.now() - t0).toFixed(2)} ms per prediction`;
  const best = out.indexOf(Math.max(...out));
  $('bars').innerHTML = Array.from(out, (p, d) => `<div class="${d === best ? 'best' : ''}" data-digit="${d}">${d}
    <span class="bar" style="width:${Math.round(150 * p)}px"></span>${(100 * p).toFixed(1)}%</div>`).join('');
  $('bars').dataset.prediction = String(best);
}

let drawing = false;
const at = (e) => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; };
pad.addEventListener('pointerdown', (e) => { drawing = true; pad.setPointerCapture(e.pointerId); padCtx.beginPath(); padCtx.moveTo(...at(e)); });
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  padCtx.strokeStyle = '#fff';
  padCtx.lineWidth = 28;
  padCtx.lineCap = padCtx.lineJoin = 'round';
  padCtx.lineTo(...at(e));
  padCtx.stroke();
  predict();
});
pad.addEventListener('pointerup', () => { drawing = false; predict(); });
$('clear').addEventListener('click', clearPad);

// ---- start --------------------------------------------------------------------------------------
clearPad();
const digitsBytes = new Uint8Array(await (await fetch(new URL('./digits.tflite', import.meta.url))).arrayBuffer());
digits.model = await tensorlite.loadModel(digitsBytes);
$('digits-bytes').textContent = `${digitsBytes.length.toLocaleString()} bytes`;
$('engine').textContent = `runtime ready: ${digits.model.simd ? 'WebAssembly SIMD build' : 'plain WebAssembly build (no SIMD)'}`;

window.demo = { tensorlite, openModel, randomInput, timed, predict, padPixels, digits, ready: true };
document.body.dataset.ready = 'true';
