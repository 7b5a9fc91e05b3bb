// Reads NumPy .npz files (the goldens under tests/data) in Node: a zip of .npy arrays, stored or
// deflated, numeric dtypes only. Returns { name: { data: TypedArray, shape, dtype } }.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const DTYPES = {
  f4: ['float32', Float32Array], f8: ['float64', Float64Array], i1: ['int8', Int8Array], u1: ['uint8', Uint8Array],
  i2: ['int16', Int16Array], u2: ['uint16', Uint16Array], i4: ['int32', Int32Array], u4: ['uint32', Uint32Array],
  i8: ['int64', BigInt64Array], u8: ['uint64', BigUint64Array], b1: ['bool', Uint8Array],
};

function parseNpy(buf, name) {
  if (buf.readUInt32BE(0) !== 0x934e554d) throw new Error(`${name}: not an .npy array`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([<>|=])(\w+)'/.exec(header);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${name}: Fortran order is not read`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!descr || descr[1] === '>' || !DTYPES[descr[2]]) return null; // strings and big-endian: skipped
  const [dtype, Typed] = DTYPES[descr[2]];
  const body = buf.subarray(start + headerLen);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Typed(count);
  new Uint8Array(data.buffer).set(body.subarray(0, count * Typed.BYTES_PER_ELEMENT));
  return { data, shape, dtype };
}

export function readNpz(path) {
  const zip = readFileSync(path);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path}: not a zip file`);
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = {};
  for (let e = 0; e < entries; e++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: bad central directory`);
    const method = zip.readUInt16LE(p + 10);
    let csize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28), extraLen = zip.readUInt16LE(p + 30), commentLen = zip.readUInt16LE(p + 32);
    let local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    // zip64 extra field: the 64-bit values replace the 32-bit ones that read 0xffffffff, in order
    for (let x = p + 46 + nameLen; x < p + 46 + nameLen + extraLen;) {
      const id = zip.readUInt16LE(x), len = zip.readUInt16LE(x + 2);
      if (id === 1) {
        let q = x + 4;
        if (zip.readUInt32LE(p + 24) === 0xffffffff) q += 8;
        if (csize === 0xffffffff) { csize = Number(zip.readBigUInt64LE(q)); q += 8; }
        if (local === 0xffffffff) local = Number(zip.readBigUInt64LE(q));
      }
      x += 4 + len;
    }
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + csize);
    const npy = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : null;
    if (!npy) throw new Error(`${path}: ${name} uses zip method ${method}`);
    const array = parseNpy(npy, name);
    if (array) out[name.replace(/\.npy$/, '')] = array;
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
