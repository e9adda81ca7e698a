// Sessions over graphs with static shapes, for GPU providers: the graph is serialized with fixed
// batch and sequence sizes (ONNX Runtime folds all shape arithmetic) and its batch-only integer
// arithmetic runs on the host first (host-prelude.ts), so every node of the device session runs on
// the device.
import { splitHostPrelude } from '../graph/host-prelude.ts';
import type { Graph } from '../graph/ir.ts';
import { serialize } from '../graph/onnx.ts';
import { createResidentSession, createSession, type Device, type Feed, type HostTensor, type ResidentSession, type Session } from './runtime.ts';

export interface StaticSession {
  session: ResidentSession;
  /** CPU session computing the batch-only integer arithmetic; absent when there is none. */
  prelude?: Session;
}

/** Inputs that carry the batch: what the host prelude may compute from. */
const BATCH_INPUTS: ReadonlySet<string> = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'labels', 'start_positions', 'end_positions', 'slot_labels']);

/** Opens `g` (mutated: its prelude is cut out) with `dims` fixed; outputs in `resident` stay on the device. */
export async function openStatic(g: Graph, dims: Readonly<Record<string, number>>, device: Device, resident: readonly string[] = []): Promise<StaticSession> {
  const { prelude } = splitHostPrelude(g, BATCH_INPUTS, dims);
  const session = await createResidentSession(serialize(g, { dims }), resident, { device });
  // The prelude is part of collating the batch (as a collator builds masks), not a node ORT fell
  // back on: it is not profiled, so placement counts only the device graph.
  if (!prelude) return { session };
  return { session, prelude: await createSession(serialize(prelude, { dims }), { device: 'cpu', threads: 1, unprofiled: true }) };
}

/** Runs the prelude on the host, then the device graph with only the inputs it declares. */
export async function runStatic(c: StaticSession, feeds: Record<string, Feed>): Promise<Awaited<ReturnType<ResidentSession['run']>>> {
  const all: Record<string, Feed> = { ...feeds };
  if (c.prelude) {
    const batch: Record<string, HostTensor> = {};
    for (const name of c.prelude.inputNames) batch[name] = feeds[name] as HostTensor;
    Object.assign(all, await c.prelude.run(batch));
  }
  const wanted: Record<string, Feed> = {};
  for (const name of c.session.inputNames) {
    if (!(name in all)) throw new Error(`The ${name} input of a graph was not fed.`);
    wanted[name] = all[name];
  }
  return c.session.run(wanted);
}

export async function releaseStatic(c: StaticSession): Promise<void> {
  await c.session.release();
  await c.prelude?.release();
}
