// Reverse-mode autodiff over the IR, written once: prune to the nodes between the parameters
// and the loss, walk them in reverse topological order applying GRAD_RULES, sum fan-in, and
// reduce broadcast gradients back to each input's shape.
import { isFloat } from './dtypes.ts';
import { GRAD_RULES } from './gradients.ts';
import type { Graph, Node, Value } from './ir.ts';
import * as o from './ops.ts';

/** Sums `g` (shaped like the broadcast result) down to `x`'s shape. */
export function unbroadcast(g: Value, x: Value): Value {
  let out = g;
  const lead = out.rank - x.rank;
  if (lead > 0) out = o.reduceSum(out, Array.from({ length: lead }, (_, i) => i), false);
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) if (x.shape[i] === 1 && out.shape[i] !== 1) axes.push(i);
  if (axes.length) out = o.reduceSum(out, axes, true);
  return out;
}

function reachableFrom(g: Graph, seeds: Iterable<string>): Set<string> {
  const set = new Set(seeds);
  for (const n of g.nodes) if (n.inputs.some((i) => set.has(i))) for (const out of n.outputs) set.add(out);
  return set;
}

function reachingTo(g: Graph, target: string): Set<string> {
  const set = new Set([target]);
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k];
    if (n.outputs.some((out) => set.has(out))) for (const i of n.inputs) if (i) set.add(i);
  }
  return set;
}

/**
 * Appends the backward pass of scalar `loss` to its graph and returns d loss / d w for each
 * of `wrt` (null when `w` does not influence the loss).
 */
export function gradients(loss: Value, wrt: readonly Value[], seed?: Value): (Value | null)[] {
  const g = loss.graph;
  const forward = reachableFrom(g, wrt.map((w) => w.name));
  const backward = reachingTo(g, loss.name);
  const nodes: Node[] = g.nodes.filter((n) => n.outputs.some((out) => forward.has(out) && backward.has(out)));
  const pending = new Map<string, Value[]>();
  const push = (name: string, v: Value) => {
    const list = pending.get(name);
    if (list) list.push(v);
    else pending.set(name, [v]);
  };
  const total = (name: string): Value | null => {
    const list = pending.get(name);
    if (!list || !list.length) return null;
    const sum = list.reduce((a, b) => o.add(a, b));
    pending.set(name, [sum]);
    return sum;
  };
  push(loss.name, seed ?? g.scalar(1, loss.dtype));
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    const dOuts = node.outputs.map(total);
    if (dOuts.every((d) => d === null)) continue;
    const composite = node.outputs.length === 1 ? g.composites.get(g.value(node.outputs[0])) : undefined;
    if (composite) {
      composite.backward(dOuts[0] as Value).forEach((d, i) => {
        const x = composite.inputs[i];
        if (d && forward.has(x.name) && isFloat(x.dtype)) push(x.name, unbroadcast(d, x));
      });
      continue;
    }
    const rule = GRAD_RULES[node.op];
    if (!rule) throw new Error(`no gradient rule for ${node.op}`);
    const ins = node.inputs.map((i) => g.value(i));
    const grads = rule({ node, ins, outs: node.outputs.map((n) => g.value(n)), dOuts });
    grads.forEach((d, i) => {
      const x = ins[i];
      if (d && forward.has(x.name) && isFloat(x.dtype)) push(x.name, unbroadcast(d, x));
    });
  }
  return wrt.map((w) => total(w.name));
}
