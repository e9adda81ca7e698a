// Dead-node elimination. Gradient rules emit every input's gradient at once (a Gemm rule
// computes dA and dB), so where only one of them is wanted — the first trainable layer's
// input gradient when the layers below are frozen, the word-embedding scatter when its rows
// leave the graph sparsely — the other is computed for nothing. ONNX Runtime runs every node
// it is given, so such nodes are removed before serialization.
import type { Graph } from './ir.ts';

/** Removes the nodes none of whose outputs reach a graph output, and the constants only they read; returns how many nodes. */
export function pruneDeadNodes(g: Graph): number {
  const live = new Set(g.outputs.map((v) => v.name));
  const keep: boolean[] = new Array<boolean>(g.nodes.length).fill(false);
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k];
    if (!n.outputs.some((o) => live.has(o))) continue;
    keep[k] = true;
    for (const i of n.inputs) if (i) live.add(i);
  }
  const kept = g.nodes.filter((_, k) => keep[k]);
  const removed = g.nodes.length - kept.length;
  g.nodes.length = 0;
  for (const n of kept) g.nodes.push(n);
  // ONNX Runtime warns about every initializer no node reads.
  for (const name of [...g.initializers.keys()]) if (!live.has(name)) g.initializers.delete(name);
  return removed;
}
