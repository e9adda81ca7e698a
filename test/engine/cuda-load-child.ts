// Run by cuda-runtime.test.ts in a fresh process (ONNX Runtime can be loaded once per process):
// argv[2] = home, argv[3] = 'home' to call useCudaRuntime(home) as the CLI does, or 'env' to rely
// on BERT_STUDIO_CUDA_DIR inherited from a parent (the device probe's child process).
import fs from 'node:fs';
import { cudaRuntime, useCudaRuntime } from '../../main/engine/cuda-runtime.ts';

const [home, mode] = process.argv.slice(2);
if (mode === 'home') useCudaRuntime(home);
const rt = await import('../../main/engine/runtime.ts');
const { Graph } = await import('../../main/graph/ir.ts');
const { serialize } = await import('../../main/graph/onnx.ts');
const o = await import('../../main/graph/ops.ts');

const g = new Graph('cuda-load');
const x = g.input('x', 'float32', [2, 2]);
g.output(o.erf(x), 'y');
const model = serialize(g);
const feeds = { x: { dtype: 'float32' as const, shape: [2, 2], data: Float32Array.from([0, 0.5, 1, 2]) } };
const cpu = await rt.createSession(model, { device: 'cpu', threads: 1 });
const y = await cpu.run(feeds);
await cpu.release();
const cudaError = await rt.probeDevice('cuda', model, feeds);
const ortDirs = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l.endsWith('/libonnxruntime.so.1')).map((l) => l.slice(l.indexOf('/'))))];
console.log(JSON.stringify({ state: cudaRuntime(), available: rt.availableDevices(), build: rt.providersInBuild(), cpu: [...(y.y.data as Float32Array)], cudaError, ortDirs, env: process.env.BERT_STUDIO_CUDA_DIR ?? null }));
process.exit(0);
