// node bench/wasm/cpu_time.mjs MODEL.tflite [RUNS]: CPU time of one invoke of tensorlite's SIMD build
// with its SIMD128 kernels and with the portable C kernels (cpuFeatures 0), taking turns, min / median ms.
// CPU time (process.cpuUsage) is less disturbed than wall time when other processes share the machine.
import * as tensorlite from '../../runtimes/wasm/dist/tensorlite.js';

const [file, runs = '8'] = process.argv.slice(2);
const configs = { simd128: {}, portable: { cpuFeatures: 0 } };
const models = await Promise.all(Object.values(configs).map((c) => tensorlite.loadModel(file, c)));
const TYPED = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, int32: Int32Array };
const x = models[0].inputs.map((i) => new TYPED[i.dtype](i.shape.reduce((a, b) => a * b, 1)).fill(1));
const ms = models.map(() => []);
for (const m of models) m.runSync(x); // warm-up
for (let r = 0; r < Number(runs); r++) {
  models.forEach((m, k) => {
    const t0 = process.cpuUsage();
    m.runSync(x);
    const t = process.cpuUsage(t0);
    ms[k].push((t.user + t.system) / 1000);
  });
}
Object.keys(configs).forEach((name, k) => {
  const t = ms[k].sort((a, b) => a - b);
  console.log(`${name}: min ${t[0].toFixed(1)} ms, median ${t[t.length >> 1].toFixed(1)} ms CPU per invoke`);
});
