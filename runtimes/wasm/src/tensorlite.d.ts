// tensorlite: TFLite models in browsers and Node through the C runtime built to WebAssembly.
// This file is the specification of the JS API (src/tensorlite.js implements it).

/** onnxruntime-web's dtype names for the tensor types the runtime uses. */
export type DType = 'float32' | 'float16' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32'
  | 'uint32' | 'int64' | 'uint64' | 'bool';

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** Affine quantization: real = scale * (q - zeroPoint); per channel along `axis` when scales has several. */
export interface Quantization {
  scale: number;
  zeroPoint: number;
  scales: number[];
  zeroPoints: number[];
  axis: number;
}

export interface TensorInfo {
  name: string;
  shape: number[];
  dtype: DType;
  /** null for float tensors */
  quantization: Quantization | null;
}

export interface Tensor {
  data: TensorData;
  shape: number[];
  dtype: DType;
}

/** An input: its typed array (float16 as Uint16Array, bool as Uint8Array), or with its shape, which must be the model's. */
export type Feed = TensorData | number[] | { data: TensorData | number[]; shape?: number[] };

export interface LoadOptions {
  /** Use the SIMD build: 'auto' (default) when the engine has wasm SIMD. */
  simd?: 'auto' | boolean;
  /** A folder holding tensorlite.wasm and tensorlite-simd.wasm, or one .wasm file; default: beside tensorlite.js. */
  wasmPath?: string | URL;
  /** The .wasm bytes themselves (e.g. read with fs in Node, or bundled). */
  wasmBinary?: ArrayBuffer | ArrayBufferView;
  /** Narrows the optimized kernels' instruction sets (bit mask; 0: portable C only). */
  cpuFeatures?: number;
  /** Run the reference kernels everywhere (the readable definitions), to compare. */
  referenceKernels?: boolean;
}

/** Status codes of the runtime (tl_status.def), and TRAPPED for a WebAssembly trap. */
export type ErrorCode = 'MODEL_TRUNCATED' | 'MODEL_INVALID' | 'MODEL_UNSUPPORTED' | 'ARENA_TOO_SMALL'
  | 'OP_UNSUPPORTED' | 'TYPE_UNSUPPORTED' | 'SHAPE_MISMATCH' | 'BAD_ARGUMENT' | 'NOT_ALLOCATED'
  | 'INDEX_OUT_OF_RANGE' | 'INVOKE_FAILED' | 'TRAPPED';

export class TensorliteError extends Error {
  readonly code: ErrorCode;
  constructor(message: string, code?: ErrorCode);
}

export interface Model {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  /** Whether the SIMD build runs this model. */
  readonly simd: boolean;
  /** Bytes of the model's arena in wasm memory. */
  readonly arenaBytes: number;
  /** Runs the model on inputs by name (or in input order); outputs by name, copied out of wasm memory. */
  run(feeds: Record<string, Feed> | Feed[]): Promise<Record<string, Tensor>>;
  runSync(feeds: Record<string, Feed> | Feed[]): Record<string, Tensor>;
  /** Runs `runs` times timing each operator: mean wall ms per run, per node in execution order. */
  profile(feeds: Record<string, Feed> | Feed[], runs?: number): { node: number; op: string; ms: number }[];
  /** Resets variable tensors (recurrent state) to zero. */
  resetVariables(): void;
  /** Frees the model's wasm memory. */
  dispose(): void;
}

/** Loads a .tflite from a URL, a path (Node), bytes or a Blob. Rejects with a TensorliteError. */
export function loadModel(source: string | URL | ArrayBuffer | ArrayBufferView | Blob, options?: LoadOptions): Promise<Model>;
export function simdSupported(): boolean;

declare const tensorlite: { loadModel: typeof loadModel; simdSupported: typeof simdSupported;
  TensorliteError: typeof TensorliteError };
export default tensorlite;
