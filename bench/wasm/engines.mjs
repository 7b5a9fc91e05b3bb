// The engines bench/bench_wasm.py times, the same code in Node and in the browser: each loads a model
// and returns { run(input) -> Float32Array, simd }; everything runs on one thread.
// tensorlite: runtimes/wasm (its SIMD build). onnxruntime-web: its wasm backend (numThreads 1).
// LiteRT.js (@litertjs/core, browser only): its 'wasm' accelerator (XNNPACK), the non-threaded build.

export async function tensorlite(mod, modelBytes) {
  const model = await mod.loadModel(modelBytes);
  const name = model.inputs[0].name;
  return { run: async (x) => Object.values(await model.run({ [name]: x }))[0].data, simd: model.simd };
}

export async function onnxruntime(ort, modelBytes, shape) {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
  const input = session.inputNames[0], output = session.outputNames[0];
  return {
    run: async (x) => (await session.run({ [input]: new ort.Tensor('float32', x, shape) }))[output].data,
  };
}

export async function litert(lib, modelBytes, shape) {
  const model = await lib.loadAndCompile(modelBytes, { accelerator: 'wasm' });
  return {
    run: async (x) => {
      const t = new lib.Tensor(x, shape);
      const outs = await model.run([t]);
      const y = outs[0].toTypedArray().slice();
      t.delete();
      outs.forEach((o) => o.delete());
      return y;
    },
  };
}

// Each engine's median and min over `runs` timed runs after `warmup` untimed ones, and its last output.
// The engines take turns run by run, so a change in the machine's load hits them alike.
export async function timeAll(engines, x, runs, warmup = 3) {
  const ys = [], ms = engines.map(() => []);
  for (const e of engines) for (let i = 0; i < warmup; i++) ys.push(await e.run(x));
  const last = [];
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < engines.length; k++) {
      const t0 = performance.now();
      last[k] = await engines[k].run(x);
      ms[k].push(performance.now() - t0);
    }
  }
  return ms.map((t, k) => {
    t.sort((a, b) => a - b);
    return { median: t[t.length >> 1], min: t[0], y: last[k] };
  });
}

export function input(shape, seed = 7) {
  let s = seed;
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

export function maxAbsDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
