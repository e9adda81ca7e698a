import fs from 'node:fs';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import type { ModelsPort } from './core.ts';
import { need } from './need.ts';

type ModelHandlers = Pick<ApiHandlers, 'models.list' | 'models.addFolder' | 'models.download' | 'models.cancelDownload'>;

const WAITING = 'main/models listCachedModels / addModelFolder';

export function modelsService(ctx: ServiceContext, port: ModelsPort | undefined): ModelHandlers {
  const downloads = new Map<string, AbortController>();
  return {
    'models.list': async () => {
      const models = need(port, 'The model list', WAITING);
      const [cached, catalog] = await Promise.all([models.cached(ctx.home), models.catalog(ctx.home)]);
      return { cached, catalog };
    },
    'models.addFolder': async ({ path }) => {
      const models = need(port, 'Adding a model folder', WAITING);
      if (!fs.existsSync(path) || !fs.statSync(path).isDirectory()) throw new ApiFailure('not_found', `The folder ${path} does not exist. Choose the folder that holds config.json.`);
      return models.addFolder(ctx.home, path);
    },
    'models.download': async ({ repo, revision }) => {
      const models = need(port, 'Downloading models', WAITING);
      const download = need(models.download, 'Downloading models', 'main/models/hub downloadModel');
      if (downloads.has(repo)) throw new ApiFailure('conflict', `${repo} is already downloading.`);
      const controller = new AbortController();
      downloads.set(repo, controller);
      try {
        const model = await download(ctx.home, repo, revision, {
          signal: controller.signal,
          onProgress: (p) => ctx.events.emit('models.download', { repo, ...p, done: false }),
        });
        ctx.events.emit('models.download', { repo, file: '', received: model.sizeBytes, total: model.sizeBytes, done: true });
        return model;
      } catch (err) {
        ctx.events.emit('models.download', { repo, file: '', received: 0, total: 0, done: true, error: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        downloads.delete(repo);
      }
    },
    'models.cancelDownload': ({ repo }) => {
      const c = downloads.get(repo);
      c?.abort();
      return { cancelled: c !== undefined };
    },
  };
}
