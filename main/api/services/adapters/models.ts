/** ModelsPort over main/models (catalog, manifest, local folders, hub download). */
import { catalogWithCache, SPEED_LABELS } from '../../../models/catalog.ts';
import { downloadModel } from '../../../models/hub/download-model.ts';
import { registerLocalFolder } from '../../../models/hub/local-folder.ts';
import { isComplete, readManifest, type RegisteredModel } from '../../../models/hub/manifest.ts';
import type { ModelInfo } from '../../types.ts';
import type { ModelsPort } from '../core.ts';

function info(m: RegisteredModel): ModelInfo {
  const name = m.source === 'hub' ? `${m.repo ?? m.id}${m.revision && m.revision !== 'main' ? ` @ ${m.revision}` : ''}` : (m.path.split(/[\\/]/).filter(Boolean).pop() ?? m.path);
  return { id: m.id, name, modelType: m.modelType, path: m.path, sizeBytes: m.sizeBytes, source: m.source };
}

export const modelsPort: ModelsPort = {
  async cached(home) {
    const { models } = await readManifest(home);
    const usable: ModelInfo[] = [];
    for (const m of models) if (await isComplete(m)) usable.push(info(m));
    return usable;
  },
  async catalog(home) {
    return (await catalogWithCache(home)).map((e) => ({
      repo: e.repo,
      title: e.name,
      sizeBytes: e.approxDownloadBytes,
      parameters: e.parameters,
      speed: SPEED_LABELS[e.speed],
      goodFor: e.goodFor,
      cached: e.cached !== undefined,
    }));
  },
  async addFolder(home, folder) {
    return info(await registerLocalFolder(home, folder));
  },
  async download(home, repo, revision, hooks) {
    const m = await downloadModel({
      home,
      repo,
      ...(revision ? { revision } : {}),
      signal: hooks.signal,
      onProgress: (received, total, file) => hooks.onProgress({ file, received, total: total ?? 0 }),
    });
    return info(m);
  },
};
