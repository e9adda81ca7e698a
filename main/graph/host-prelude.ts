// The batch's integer bookkeeping, moved to the host. A training graph does some arithmetic on
// the batch alone — the attention mask as floats, padding masks and scatter indices for the
// embedding backward, one-hot targets, RoBERTa's position ids, clamped QA positions — in int64
// and bool, for which GPU providers have no kernels: ONNX Runtime runs those nodes on the CPU
// inside the GPU session and copies each result over (7 nodes and 7 copies per step for BERT on
// WebGPU). This pass cuts them out into a small "prelude" graph that a CPU session runs as part
// of collating the batch; the device graph receives the prelude's results as inputs and keeps
// every node on the device. The prelude is O(batch × seq × classes): no weight, activation or
// optimizer state crosses over.
import { Graph, type Node } from './ir.ts';
import { fixedDim } from './onnx.ts';

export interface PreludeSplit {
  /** The host part (CPU session): inputs are batch inputs, outputs the values the device graph reads. Null when there is none. */
  readonly prelude: Graph | null;
  /** Device-graph inputs the prelude produces. */
  readonly produced: readonly string[];
}

/**
 * Moves the nodes of `g` that depend only on `batchInputs` and constants into a prelude graph.
 * Shapes must be static (serialize's dims) so that Shape nodes count as constants: they stay in
 * the device graph too, where ONNX Runtime folds them. Mutates `g`.
 */
export function splitHostPrelude(g: Graph, batchInputs: ReadonlySet<string>, dims: Readonly<Record<string, number>>): PreludeSplit {
  foldStaticShapes(g, dims);
  const constant = new Set<string>(g.initializers.keys());
  const host = new Set<string>([...batchInputs].filter((n) => g.values.has(n)));
  const hostNodes: Node[] = [];
  const constNodes = new Map<string, Node>();
  const isHostNode = new Set<Node>();
  for (const n of g.nodes) {
    const ins = n.inputs.filter(Boolean);
    const allConst = n.op === 'Shape' || ins.every((i) => constant.has(i));
    if (allConst) {
      for (const o of n.outputs) {
        constant.add(o);
        constNodes.set(o, n);
      }
      continue;
    }
    // Baked weights (exported or diagnostic graphs) are constants too, but work on them is the
    // device's: a node reading a float constant larger than a few scalars stays there.
    const readsWeights = ins.some((i) => {
      const c = g.initializers.get(i);
      return c !== undefined && c.dtype === 'float32' && c.data.length > 64;
    });
    if (!readsWeights && ins.every((i) => constant.has(i) || host.has(i))) {
      for (const o of n.outputs) host.add(o);
      hostNodes.push(n);
      isHostNode.add(n);
    }
  }
  if (hostNodes.length === 0) return { prelude: null, produced: [] };
  // Values the device side still reads from the host side: inputs of device nodes and graph outputs.
  const read = new Set<string>(g.outputs.map((v) => v.name));
  for (const n of g.nodes) if (!isHostNode.has(n)) for (const i of n.inputs) if (i) read.add(i);
  const produced = hostNodes.flatMap((n) => n.outputs).filter((o) => read.has(o));

  const prelude = new Graph(`${g.name}-prelude`);
  for (const name of batchInputs) {
    const v = g.values.get(name);
    if (v && hostNodes.some((n) => n.inputs.includes(name))) prelude.input(name, v.dtype, v.shape);
  }
  // Constants and constant-only nodes the host nodes read, copied (the device graph keeps its own).
  const copyConst = (name: string): void => {
    if (prelude.values.has(name)) return;
    const init = g.initializers.get(name);
    if (init) {
      prelude.initializer(name, init);
      return;
    }
    const n = constNodes.get(name);
    if (!n) throw new Error(`host prelude: ${name} is neither a constant nor a batch value`);
    if (n.op === 'Shape') {
      // Static shapes: the Shape of any value (even an activation the prelude lacks) is a constant.
      const src = g.value(n.inputs[0]).shape.map((d) => (typeof d === 'number' ? d : fixedDim(d, dims)));
      if (src.some((d) => d === undefined)) throw new Error(`host prelude: the shape of ${n.inputs[0]} is not static`);
      prelude.initializer(name, { dtype: 'int64', shape: [src.length], data: BigInt64Array.from(src as number[], (d) => BigInt(d)) });
      return;
    }
    for (const i of n.inputs) if (i) copyConst(i);
    addNode(n);
  };
  const addNode = (n: Node): void => {
    if (n.outputs.length !== 1) throw new Error(`host prelude: ${n.op} has ${n.outputs.length} outputs`);
    const v = g.value(n.outputs[0]);
    const ins = n.inputs.map((i) => (i ? prelude.value(i) : null));
    prelude.node(n.op, ins, [{ dtype: v.dtype, shape: v.shape }], { ...n.attrs }, n.outputs[0]);
  };
  for (const n of hostNodes) {
    for (const i of n.inputs) if (i && !prelude.values.has(i) && constant.has(i)) copyConst(i);
    addNode(n);
  }
  for (const name of produced) prelude.output(prelude.value(name));

  // The device graph: host nodes removed, their results become inputs.
  const kept = g.nodes.filter((n) => !isHostNode.has(n));
  g.nodes.length = 0;
  for (const n of kept) g.nodes.push(n);
  for (const name of produced) g.inputs.push(g.value(name));
  const stillRead = new Set<string>(g.outputs.map((v) => v.name));
  for (const n of g.nodes) for (const i of n.inputs) if (i) stillRead.add(i);
  const inputs = g.inputs.filter((v) => stillRead.has(v.name) || !batchInputs.has(v.name));
  g.inputs.length = 0;
  for (const v of inputs) g.inputs.push(v);
  for (const name of [...g.initializers.keys()]) if (!stillRead.has(name)) g.initializers.delete(name);
  return { prelude, produced };
}

/**
 * Shape nodes of values whose dims `dims` fixes become int64 constants: ONNX Runtime would fold
 * them too, but a Shape of a batch input keeps that input declared and uploaded every step.
 */
function foldStaticShapes(g: Graph, dims: Readonly<Record<string, number>>): void {
  const kept = g.nodes.filter((n) => {
    if (n.op !== 'Shape' || n.outputs.length !== 1) return true;
    const shape = g.value(n.inputs[0]).shape.map((d) => (typeof d === 'number' ? d : fixedDim(d, dims)));
    if (shape.some((d) => d === undefined)) return true;
    g.initializers.set(n.outputs[0], { dtype: 'int64', shape: [shape.length], data: BigInt64Array.from(shape as number[], (d) => BigInt(d)) });
    return false;
  });
  g.nodes.length = 0;
  for (const n of kept) g.nodes.push(n);
}
