// Ops with no gradient (integer, comparison and shape ops): ONNX Runtime and the reference
// interpreter agree exactly on each.
import { describe, expect, it } from 'vitest';
import { Graph, type Value } from '../../main/graph/ir.ts';
import { Interpreter, type Tensor } from '../../main/graph/interpreter.ts';
import { serialize } from '../../main/graph/onnx.ts';
import * as o from '../../main/graph/ops.ts';
import { createSession } from '../../main/engine/runtime.ts';

const ints = (shape: number[], xs: number[]): Tensor => ({ dtype: 'int64', shape, data: BigInt64Array.from(xs, BigInt) });
const floats = (shape: number[], xs: number[]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(xs) });

const FEEDS: Record<string, Tensor> = {
  a: ints([2, 3], [5, -7, 2147483646, 0, 9, -1]),
  b: ints([3], [3, 4, 2147483647]),
  f: floats([2, 3], [0.5, -1.5, 2, 0, 3.25, -0.75]),
  idx: ints([2, 1], [3, 1]),
};

type Build = (g: Graph, v: (n: string) => Value) => Value;
const CASES: Record<string, Build> = {
  'Mod (int64, divisor sign)': (_, v) => o.mod(v('a'), v('b')),
  'Mul/Add int64 near 2^62': (_, v) => o.add(o.mul(v('a'), v('b')), 1),
  'Div int64 truncates': (_, v) => o.div(v('a'), v('b')),
  Equal: (_, v) => o.cast(o.equal(v('a'), 0), 'int64'),
  'Not/Less/Greater/GreaterOrEqual': (_, v) => o.cast(o.not(o.greaterOrEqual(o.where(o.less(v('f'), 0), v('f'), o.neg(v('f'))), o.max(v('f'), -0.6))), 'float32'),
  Range: (g) => o.range(g.scalar(2, 'int64'), g.scalar(9, 'int64'), g.scalar(3, 'int64'), 3),
  CumSum: (_, v) => o.cumsum(v('a'), 1),
  Concat: (g, v) => o.concat([v('a'), o.unsqueeze(v('b'), [0])], 0),
  'Shape/ReduceProd': (_, v) => o.reduceProd(o.shapeOf(v('f'))),
  'ScatterND add': (g, v) => o.scatterNDAdd(o.zerosLike(g.constant({ dtype: 'float32', shape: [4, 3], data: new Float32Array(12) })), v('idx'), v('f')),
  'ScatterND replace': (g, v) => o.scatterND(g.constant({ dtype: 'float32', shape: [4, 3], data: new Float32Array(12).fill(2) }), v('idx'), v('f')),
  'Clip int64': (g, v) => o.clip(v('a'), g.scalar(0, 'int64'), g.scalar(9, 'int64')),
  'Cast int64 → float': (_, v) => o.cast(v('b'), 'float32'),
  'Min/Max': (_, v) => o.min(o.max(v('f'), -1), 1),
  'Gather scalar index': (g, v) => o.gather(v('f'), g.scalar(1, 'int64')),
  'Expand/ConstantOfShape': (g, v) => o.expand(o.constantOfShape(g.ints([1, 3]), 7, 'float32', [1, 3]), o.shapeOf(v('f')), [2, 3]),
};

describe('ops without gradients: ONNX Runtime equals the interpreter', () => {
  for (const [name, build] of Object.entries(CASES)) {
    it(name, async () => {
      const g = new Graph();
      const vals = new Map<string, Value>();
      const v = (n: string) => {
        if (!vals.has(n)) vals.set(n, g.input(n, FEEDS[n].dtype, FEEDS[n].shape));
        return vals.get(n)!;
      };
      g.output(build(g, v), 'y');
      const feeds = Object.fromEntries([...vals.keys()].map((k) => [k, FEEDS[k]]));
      const session = await createSession(serialize(g), { threads: 1 });
      const ort = await session.run(feeds);
      await session.release();
      const ref = new Interpreter(g).run(feeds);
      expect(ort.y.shape).toEqual(ref.y.shape);
      expect(Array.from(ort.y.data as ArrayLike<number | bigint>, String)).toEqual(Array.from(ref.y.data as ArrayLike<number | bigint>, String));
    });
  }
});
