import { open, readFile } from 'node:fs/promises';
import { ELEMENT_SIZE, stridedToFloat32, type Float32Tensor, type StorageDtype } from './tensors.ts';
import { tensorEntries, unpickleStateDict, type StorageRef, type TensorRef } from './state-dict.ts';
import { PickleError, unpickle } from './unpickler.ts';
import { ZipReader } from './zip.ts';

/**
 * Reads a PyTorch `pytorch_model.bin` (a pickled state dict) into float32 tensors, without
 * Python and without running any code the file contains: see unpickler.ts and state-dict.ts.
 *
 * Two layouts exist. torch.save's default since 1.6 is a zip: `<name>/data.pkl` is the
 * pickle, and `<name>/data/<key>` holds each storage's raw bytes. Before that, the file was
 * several pickles back to back followed by the storages (see readLegacy).
 */

/** A float32 tensor plus the dtype it was stored in (integer buffers such as position_ids are widened too). */
export interface CheckpointTensor extends Float32Tensor {
  readonly sourceDtype: StorageDtype;
}

export async function readPytorchCheckpoint(file: string): Promise<Map<string, CheckpointTensor>> {
  const name = file; // named in full in every message: the user must find it
  const head = Buffer.alloc(64);
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === 'ENOENT' ? `${file} does not exist.` : `${file} could not be opened: ${err.message}.`);
  });
  let headLen: number;
  try {
    headLen = (await fh.read(head, 0, 64, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const magic = head.subarray(0, headLen);
  if (magic.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return readZip(file);
  if (magic[0] === 0x80) return readLegacy(file);
  if (magic.toString('latin1').startsWith('version https://git-lfs')) {
    throw new Error(`${name} is a Git LFS pointer, not the weights; fetch the real file (git lfs pull) or download the model again.`);
  }
  throw new Error(`${name} is not a PyTorch checkpoint (neither a torch.save zip nor a legacy pickle).`);
}

async function readZip(file: string): Promise<Map<string, CheckpointTensor>> {
  const name = file; // named in full in every message: the user must find it
  const zip = await ZipReader.open(file);
  try {
    // The archive's top folder is named after the file torch.save wrote; find it via data.pkl.
    const pkl = [...zip.entries.values()].find((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'));
    if (!pkl) throw new Error(`${name} is a zip but has no data.pkl; it is not a PyTorch checkpoint.`);
    const prefix = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
    const order = zip.entries.get(`${prefix}byteorder`);
    if (order && (await zip.read(order)).toString('latin1').trim() !== 'little') {
      throw new Error(`${name} was saved on a big-endian computer; save it again on a little-endian one (any PC or Mac).`);
    }
    const { value } = unpickleStateDict(await zip.read(pkl), name);
    const tensors = tensorEntries(value, name);
    // Tied weights share one storage; read each storage once.
    const cache = new Map<string, Uint8Array>();
    const storageBytes = async (ref: StorageRef): Promise<Uint8Array> => {
      let bytes = cache.get(ref.key);
      if (!bytes) {
        const entry = zip.entries.get(`${prefix}data/${ref.key}`);
        if (!entry) throw new Error(`${name} lacks storage data/${ref.key}; the checkpoint is incomplete.`);
        bytes = await zip.read(entry);
        cache.set(ref.key, bytes);
      }
      return bytes;
    };
    const out = new Map<string, CheckpointTensor>();
    for (const [key, t] of tensors) out.set(key, materialize(t, await storageBytes(t.storage), `${name} (tensor ${key})`));
    return out;
  } finally {
    await zip.close();
  }
}

// The legacy format opens with this number pickled as a long, then the protocol version 1001.
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/**
 * Legacy layout: pickle(magic) pickle(1001) pickle(sys_info) pickle(state_dict)
 * pickle([storage keys]) then, for each key in that order, an int64 element count and the
 * storage's raw little-endian bytes.
 */
async function readLegacy(file: string): Promise<Map<string, CheckpointTensor>> {
  const name = file; // named in full in every message: the user must find it
  const data = await readFile(file);
  const plain = { findClass: (m: string, n: string): never => { throw new PickleError(`${name} was refused: its header asks for the Python global '${m}.${n}'. Nothing was executed.`); }, persistentLoad: (): never => { throw new PickleError(`${name}: unexpected storage in the header.`); } };
  const magic = unpickle(data, plain, name);
  if (magic.value !== LEGACY_MAGIC) throw new Error(`${name} is a pickle but not a PyTorch checkpoint (wrong magic number).`);
  const version = unpickle(data, plain, name, magic.end);
  if (version.value !== 1001) throw new Error(`${name} uses PyTorch legacy format version ${String(version.value)}; only 1001 is supported.`);
  const sysInfo = unpickle(data, plain, name, version.end);
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new Error(`${name} was saved on a big-endian computer; save it again on a little-endian one (any PC or Mac).`);
  }
  const main = unpickleStateDict(data, name, sysInfo.end);
  const keys = unpickle(data, plain, name, main.end);
  if (!Array.isArray(keys.value)) throw new Error(`${name}: the storage list is missing; the checkpoint is corrupt.`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const storages = new Map<string, Uint8Array>();
  let pos = keys.end;
  for (const key of keys.value as unknown[]) {
    const ref = main.storages.get(String(key));
    if (!ref) throw new Error(`${name}: storage ${String(key)} is listed but never used; the checkpoint is corrupt.`);
    if (pos + 8 > data.length) throw new Error(`${name} is truncated: storage ${String(key)} is missing.`);
    const numel = Number(view.getBigInt64(pos, true));
    const byteLen = numel * ELEMENT_SIZE[ref.dtype];
    pos += 8;
    if (pos + byteLen > data.length) throw new Error(`${name} is truncated: storage ${String(key)} needs ${byteLen} bytes, ${data.length - pos} remain.`);
    storages.set(String(key), data.subarray(pos, pos + byteLen));
    pos += byteLen;
  }
  const out = new Map<string, CheckpointTensor>();
  for (const [key, t] of tensorEntries(main.value, name)) {
    const bytes = storages.get(t.storage.key);
    if (!bytes) throw new Error(`${name} lacks the data of storage ${t.storage.key} (tensor ${key}); the checkpoint is incomplete.`);
    out.set(key, materialize(t, bytes, `${name} (tensor ${key})`));
  }
  return out;
}

function materialize(t: TensorRef, storage: Uint8Array, where: string): CheckpointTensor {
  const data = stridedToFloat32(storage, t.storage.dtype, t.storage.elementOffset + t.offset, t.shape, t.stride, where);
  return { dtype: 'float32', shape: [...t.shape], data, sourceDtype: t.storage.dtype };
}
