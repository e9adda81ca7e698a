import { PickleCallable, PickleError, unpickle } from './unpickler.ts';
import { STORAGE_CLASSES, type StorageDtype } from './tensors.ts';

/**
 * The PyTorch side of the restricted unpickler: the few globals `torch.save(state_dict)` emits,
 * each rebuilt as plain data (a storage reference, a tensor view), and nothing else. A state
 * dict never needs more; anything else (`posix.system`, `builtins.eval`, `torch.load` …) is a
 * refusal naming the file and the global.
 */

/** Where a storage's bytes are: the zip entry / legacy record `key`, from element `elementOffset`. */
export interface StorageRef {
  readonly kind: 'storage';
  readonly key: string;
  readonly dtype: StorageDtype;
  /** Number of elements, when the checkpoint records it (legacy format). */
  readonly numel: number | null;
  /** Legacy storage views start part-way into their root storage. */
  readonly elementOffset: number;
}

/** A tensor as pickled: a strided view of a storage. */
export interface TensorRef {
  readonly kind: 'tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
}

interface StorageClass {
  readonly kind: 'storage-class';
  readonly dtype: StorageDtype;
}

/** Thrown when a checkpoint names a global outside the allowlist: a possible attack, never run. */
export class ForbiddenGlobalError extends PickleError {}

function ints(v: unknown, what: string, where: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) throw new PickleError(`${where}: a tensor's ${what} is not a tuple of integers; the checkpoint is corrupt.`);
  return v as number[];
}

function int(v: unknown, what: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new PickleError(`${where}: a tensor's ${what} is not an integer; the checkpoint is corrupt.`);
  return v;
}

function rebuildTensor(where: string) {
  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  return (args: unknown[]): TensorRef => {
    const storage = args[0] as StorageRef | undefined;
    if (!storage || storage.kind !== 'storage') throw new PickleError(`${where}: a tensor is not backed by a storage; the checkpoint is corrupt.`);
    return { kind: 'tensor', storage, offset: int(args[1], 'storage offset', where), shape: ints(args[2], 'size', where), stride: ints(args[3], 'stride', where) };
  };
}

function allowedGlobals(where: string): Map<string, PickleCallable | StorageClass> {
  const table = new Map<string, PickleCallable | StorageClass>();
  const fn = (qualname: string, call: (args: unknown[]) => unknown) => table.set(qualname, new PickleCallable(qualname, call));
  // OrderedDict() builds the state dict itself and each tensor's empty backward_hooks.
  fn('collections.OrderedDict', (args) => {
    const d = new Map<unknown, unknown>();
    const pairs = args[0];
    if (Array.isArray(pairs)) for (const p of pairs) if (Array.isArray(p) && p.length === 2) d.set(p[0], p[1]);
    return d;
  });
  fn('torch._utils._rebuild_tensor_v2', rebuildTensor(where));
  // A saved nn.Parameter is its tensor plus requires_grad; weights are all we keep.
  fn('torch._utils._rebuild_parameter', (args) => args[0]);
  fn('torch._utils._rebuild_parameter_with_state', (args) => args[0]);
  for (const [name, dtype] of Object.entries(STORAGE_CLASSES)) table.set(`torch.${name}`, { kind: 'storage-class', dtype });
  return table;
}

/**
 * Unpickles a state dict. `persistent ids` are PyTorch's storage references:
 * `('storage', StorageClass, key, location, numel[, view_metadata])`.
 */
export function unpickleStateDict(data: Uint8Array, where: string, start = 0): { value: unknown; end: number; storages: Map<string, StorageRef> } {
  const table = allowedGlobals(where);
  const storages = new Map<string, StorageRef>();
  const result = unpickle(
    data,
    {
      findClass(module, name) {
        const qualname = `${module}.${name}`;
        const found = table.get(qualname);
        if (found === undefined) {
          throw new ForbiddenGlobalError(
            `${where} was refused: its pickle asks for the Python global '${qualname}', which a weights file never needs and could run code. ` +
              'Nothing was executed. Use a model.safetensors file, or a checkpoint from a source you trust saved with torch.save(model.state_dict()).',
          );
        }
        // Storage classes appear as arguments of persistent ids, never called; PickleCallable
        // is required for REDUCE, so wrap them so the unpickler can push them.
        return found instanceof PickleCallable ? found : new PickleCallable(qualname, () => found);
      },
      persistentLoad(pid) {
        if (!Array.isArray(pid) || pid[0] !== 'storage') throw new PickleError(`${where}: unknown persistent id; this is not a PyTorch weights file.`);
        const [, cls, key, , numel, view] = pid as unknown[];
        const dtype = storageDtype(cls, table, where);
        if (typeof key !== 'string') throw new PickleError(`${where}: a storage key is not a string; the checkpoint is corrupt.`);
        // Legacy view_metadata: (view_key, offset, view_size) into the root storage `key`.
        const elementOffset = Array.isArray(view) ? int(view[1], 'view offset', where) : 0;
        const ref: StorageRef = { kind: 'storage', key, dtype, numel: typeof numel === 'number' ? numel : null, elementOffset };
        const known = storages.get(key);
        if (known && known.dtype !== dtype) throw new PickleError(`${where}: storage ${key} is used as both ${known.dtype} and ${dtype}; the checkpoint is corrupt.`);
        if (!known || (known.numel === null && ref.numel !== null)) storages.set(key, { ...ref, elementOffset: 0 });
        return ref;
      },
    },
    where,
    start,
  );
  return { ...result, storages };
}

function storageDtype(cls: unknown, table: Map<string, PickleCallable | StorageClass>, where: string): StorageDtype {
  // The pickle pushed our wrapper for `torch.XStorage`; unwrap it back to its dtype.
  if (cls instanceof PickleCallable) {
    const entry = table.get(cls.qualname);
    if (entry && !(entry instanceof PickleCallable)) return entry.dtype;
  }
  throw new PickleError(`${where}: a storage has an unsupported type; only float, half, bfloat16 and integer storages are read.`);
}

/**
 * Picks the tensors out of the unpickled object: the dict itself, or a `state_dict` / `model`
 * entry of a training checkpoint. Non-tensor entries (step counters and the like) are skipped.
 */
export function tensorEntries(value: unknown, where: string): Map<string, TensorRef> {
  let dict: unknown = value;
  if (value instanceof Map) {
    for (const wrapper of ['state_dict', 'model_state_dict', 'model']) {
      const inner: unknown = value.get(wrapper);
      if (inner instanceof Map && [...inner.values()].some(isTensor)) {
        dict = inner;
        break;
      }
    }
  }
  if (!(dict instanceof Map)) throw new PickleError(`${where} does not hold a state dict (a dictionary of tensors); save it with torch.save(model.state_dict()).`);
  const out = new Map<string, TensorRef>();
  for (const [k, v] of dict) if (typeof k === 'string' && isTensor(v)) out.set(k, v);
  if (out.size === 0) throw new PickleError(`${where} holds no tensors; it is not a model's weights.`);
  return out;
}

function isTensor(v: unknown): v is TensorRef {
  return typeof v === 'object' && v !== null && (v as TensorRef).kind === 'tensor';
}
