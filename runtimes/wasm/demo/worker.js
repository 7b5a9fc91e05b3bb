// Runs a model off the main thread: { bytes, feeds } in, { outputs, ms } or { error } out.
import * as tensorlite from '../dist/tensorlite.js';

self.onmessage = async ({ data: { bytes, feeds, runs = 1 } }) => {
  try {
    const model = await tensorlite.loadModel(bytes);
    let outputs;
    const times = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      outputs = await model.run(feeds);
      times.push(performance.now() - t0);
    }
    model.dispose();
    self.postMessage({ outputs, ms: times.sort((a, b) => a - b)[times.length >> 1], simd: model.simd });
  } catch (e) {
    self.postMessage({ error: `${e.name}: ${e.message}`, code: e.code });
  }
};
