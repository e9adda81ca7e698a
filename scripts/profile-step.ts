// Where a training step's time goes, from ONNX Runtime's profiler: one JSON line per op type
// (kernel time, node count, provider) and a summary line (session run time, kernel time, copies,
// CPU-placed nodes, time in JavaScript around the run). The step is bench's (random-init BERT,
// vocabulary 30522, 2 labels, AdamW, dropout on); the third step is the one summarized, so
// session start-up and shader compilation are left out.
//
//   npx tsx scripts/profile-step.ts [SIZE] [DEVICE] [BATCH] [SEQ]     (defaults: base webgpu 16 128)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngineModel, randomInitWeights, type Batch } from '../main/engine/api.ts';
import { benchModelSpec, type BenchSize } from '../main/engine/bench.ts';
import { withProfiles, type Device } from '../main/engine/runtime.ts';

interface Event {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string; provider?: string };
}

const [size = 'base', device = 'webgpu', b = '16', s = '128'] = process.argv.slice(2);
const B = Number(b);
const S = Number(s);
const { config, head } = benchModelSpec(size as BenchSize, S);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-profile-'));
const batch: Batch = {
  batch: B,
  seq: S,
  inputIds: BigInt64Array.from({ length: B * S }, (_, i) => BigInt(1000 + ((i * 7919) % 29000))),
  attentionMask: new BigInt64Array(B * S).fill(1n),
  tokenTypeIds: new BigInt64Array(B * S),
  labels: BigInt64Array.from({ length: B }, (_, i) => BigInt(i % 2)),
};
const walls: number[] = [];
await withProfiles(dir, async () => {
  const model = await createEngineModel({ config, head, weights: randomInitWeights(config, head, 1), adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 }, device: device as Device });
  try {
    for (let step = 1; step <= 3; step++) {
      const t = performance.now();
      await model.step(batch, { lr: 2e-5, step, seed: 1, dropout: true });
      walls.push((performance.now() - t) / 1000);
    }
  } finally {
    await model.dispose();
  }
});

// The training session is the profile with the most node events; its last model_run is step 3.
let best: Event[] = [];
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
  const events = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Event[];
  if (events.filter((e) => e.cat === 'Node').length > best.filter((e) => e.cat === 'Node').length) best = events;
}
fs.rmSync(dir, { recursive: true, force: true });
const runs = best.filter((e) => e.cat === 'Session' && e.name === 'model_run');
const last = runs[runs.length - 1];
if (!last || last.ts === undefined || last.dur === undefined) throw new Error('The profile has no model_run event.');
const inRun = best.filter((e) => e.cat === 'Node' && e.ts !== undefined && e.ts >= last.ts! && e.ts <= last.ts! + last.dur! && e.name?.endsWith('_kernel_time'));
const byOp = new Map<string, { op: string; provider: string; nodes: number; ms: number }>();
for (const e of inRun) {
  const key = `${e.args?.op_name}|${e.args?.provider}`;
  const row = byOp.get(key) ?? { op: e.args?.op_name ?? '?', provider: e.args?.provider ?? '?', nodes: 0, ms: 0 };
  row.nodes++;
  row.ms += (e.dur ?? 0) / 1000;
  byOp.set(key, row);
}
const rows = [...byOp.values()].sort((x, y) => y.ms - x.ms);
for (const r of rows) console.log(JSON.stringify({ profile: 'op', size, device, ...r, ms: Number(r.ms.toFixed(3)) }));
const kernelMs = rows.reduce((n, r) => n + r.ms, 0);
const runMs = last.dur / 1000;
console.log(
  JSON.stringify({
    profile: 'summary',
    size,
    device,
    batch: B,
    seq: S,
    step_wall_ms: Number((walls[2] * 1000).toFixed(1)),
    model_run_ms: Number(runMs.toFixed(1)),
    kernel_ms: Number(kernelMs.toFixed(1)),
    // Outside the kernels inside the run: waiting on the device, dispatch, copies of inputs and outputs.
    run_outside_kernels_ms: Number((runMs - kernelMs).toFixed(1)),
    // Around the run: feeds, the host prelude, result conversion (the profile is of one session).
    js_around_run_ms: Number((walls[2] * 1000 - runMs).toFixed(1)),
    nodes: inRun.length,
    cpu_nodes: inRun.filter((e) => e.args?.provider === 'CPUExecutionProvider' && device !== 'cpu').length,
    copies: inRun.filter((e) => e.args?.op_name?.startsWith('Memcpy')).length,
  }),
);
