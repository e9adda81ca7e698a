import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { DownloadedModel, MetricPoint, RunDetail } from '../api/contract.ts';
import { ApiFailure } from '../api/errors.ts';
import type { Store } from '../store/index.ts';
import { addArtifact, appendMetrics, createRun, ensureProject, updateRun } from '../store/index.ts';
import { runDirOf } from '../train/run-service.ts';
import { serverRequest, type ServerAddress } from './remote-client.ts';

async function bodyOf(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function failure(res: IncomingMessage, what: string): Promise<never> {
  const text = await bodyOf(res);
  let message = `${what} failed: the training server answered ${res.statusCode}.`;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    // Not JSON: keep the status sentence.
  }
  throw new ApiFailure(res.statusCode === 403 ? 'forbidden' : res.statusCode === 413 ? 'invalid_request' : 'unavailable', message);
}

/**
 * Streams a local file to the server (PUT /api/uploads, never whole in memory) and returns the
 * path the server stored it under — the only kind of path the server lets this user import.
 */
export async function uploadFile(addr: ServerAddress, file: string): Promise<string> {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new ApiFailure('not_found', `${file} cannot be read. Choose the file again.`);
  }
  const res = await serverRequest(addr, 'PUT', `/api/uploads?name=${encodeURIComponent(path.basename(file))}`, fs.createReadStream(file), { 'content-length': String(size), 'content-type': 'application/octet-stream' });
  if (res.statusCode !== 201) return failure(res, `Uploading ${path.basename(file)}`);
  return (JSON.parse(await bodyOf(res)) as { path: string }).path;
}

interface ModelFile {
  name: string;
  size: number;
  sha256: string;
}

export const DOWNLOADED_PROJECT = 'From training server';

/**
 * Copies a finished remote run's model folder into this computer's store as a run of the project
 * "From training server": each file streamed to disk and checked against the size and SHA-256
 * the server listed, then the run's final metrics copied so History shows them. The local run
 * exports and answers "Try it" offline like any other; its data stays on the server.
 */
export async function downloadModel(addr: ServerAddress, store: Store, home: string, remote: RunDetail, metrics: MetricPoint[]): Promise<DownloadedModel> {
  const list = await serverRequest(addr, 'GET', `/api/runs/${remote.id}/model`);
  if (list.statusCode !== 200) return failure(list, 'Listing the trained model');
  const { files } = JSON.parse(await bodyOf(list)) as { files: ModelFile[] };
  const project = ensureProject(store, DOWNLOADED_PROJECT);
  const base = remote.base.kind === 'scratch' ? { kind: 'scratch', size: remote.base.size } : { kind: 'folder', dir: remote.base.modelId };
  const run = createRun(store, { projectId: project.id, datasetId: null, task: remote.task, baseModel: remote.baseModel, config: { task: remote.task, base, hp: remote.settings, downloadedFrom: { server: addr.url.origin, runId: remote.id } }, device: remote.device ?? 'training server' });
  const dir = path.join(runDirOf(home, run.id), 'model');
  fs.mkdirSync(dir, { recursive: true });
  let bytes = 0;
  try {
    for (const f of files) {
      if (path.basename(f.name) !== f.name || f.name.startsWith('.')) throw new ApiFailure('internal', `The training server listed an unsafe file name '${f.name}'; nothing was kept.`);
      const res = await serverRequest(addr, 'GET', `/api/runs/${remote.id}/model/${encodeURIComponent(f.name)}`);
      if (res.statusCode !== 200) await failure(res, `Downloading ${f.name}`);
      const hash = createHash('sha256');
      const out = fs.createWriteStream(path.join(dir, f.name));
      let got = 0;
      for await (const chunk of res) {
        hash.update(chunk as Buffer);
        got += (chunk as Buffer).length;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      if (got !== f.size || hash.digest('hex') !== f.sha256) throw new ApiFailure('unavailable', `${f.name} arrived damaged (${got} of ${f.size} bytes, or a different checksum). Download the model again.`);
      bytes += got;
    }
    const weights = files.find((f) => f.name === 'model.safetensors');
    if (!weights) throw new ApiFailure('data_error', `Run ${remote.id} on the server has no model.safetensors.`);
    addArtifact(store, { runId: run.id, kind: 'hf', path: dir, size: weights.size, sha256: weights.sha256 });
    appendMetrics(store, run.id, metrics.filter((m) => m.name.startsWith('final_')).map((m) => ({ step: m.step, epoch: m.epoch, split: m.split, name: m.name, value: m.value })));
    const now = new Date().toISOString();
    updateRun(store, run.id, { status: 'completed', stoppedReason: 'downloaded', startedAt: now, finishedAt: now, bestMetricName: remote.best?.name ?? null, bestMetric: remote.best?.value ?? null });
    return { localRunId: run.id, projectId: project.id, projectName: project.name, files: files.length, bytes };
  } catch (err) {
    fs.rmSync(runDirOf(home, run.id), { recursive: true, force: true });
    updateRun(store, run.id, { status: 'failed', error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
