import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure } from '../errors.ts';
import type { ColumnMapping, SampleInfo } from '../types.ts';
import { createProject, deleteProject, findProjectByName, getDataset, listProjects } from '../../store/index.ts';
import type { ServiceContext } from './context.ts';
import { datasetSummary, projectSummary } from './convert.ts';
import type { ImportPort } from './core.ts';
import { need } from './need.ts';

interface SampleEntry extends SampleInfo {
  file: string;
  mapping: ColumnMapping;
}

/**
 * The folder of the bundled samples: packaged apps carry it as an extra resource, a checkout has
 * it at resources/samples. BERT_STUDIO_SAMPLES overrides both (tests).
 */
export function samplesDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    process.env.BERT_STUDIO_SAMPLES,
    resourcesPath && path.join(resourcesPath, 'samples'),
    path.resolve(here, '../../../resources/samples'), // main/api/services → repo root
    path.resolve(here, '../../resources/samples'), // dist/electron → repo root
    path.resolve('resources/samples'),
  ];
  return candidates.find((c): c is string => !!c && fs.existsSync(path.join(c, 'manifest.json')));
}

function readManifest(): { dir: string; samples: SampleEntry[] } {
  const dir = samplesDir();
  if (!dir) return { dir: '', samples: [] };
  return { dir, samples: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).samples as SampleEntry[] };
}

function freeName(ctx: ServiceContext, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base} ${i}`;
    if (!findProjectByName(ctx.store, name)) return name;
  }
}

/** "Try a sample": a new project with a bundled, openly licensed dataset already imported. */
export function samplesService(ctx: ServiceContext, port: ImportPort | undefined): Pick<ApiHandlers, 'samples.list' | 'samples.open'> {
  return {
    'samples.list': () => readManifest().samples.map(({ file: _f, mapping: _m, ...info }) => info),
    'samples.open': async ({ sampleId }) => {
      const imp = need(port, 'Opening a sample', 'main/data importDataset');
      const { dir, samples } = readManifest();
      const s = samples.find((x) => x.id === sampleId);
      if (!s) throw new ApiFailure('not_found', `There is no sample called "${sampleId}".`);
      const project = createProject(ctx.store, freeName(ctx, s.title));
      let datasetId: number;
      try {
        ({ datasetId } = await imp.commit(
          ctx.store,
          { projectId: project.id, path: path.join(dir, s.file), task: s.task, mapping: s.mapping, splits: { mode: 'random', train: 0.8, validation: 0.1, test: 0.1, seed: 42 }, name: s.title },
          { onProgress: () => undefined, signal: new AbortController().signal },
        ));
      } catch (err) {
        // A sample that cannot be imported must not leave an empty project in the list.
        deleteProject(ctx.store, project.id);
        throw err;
      }
      const summary = listProjects(ctx.store).find((p) => p.id === project.id);
      const d = getDataset(ctx.store, datasetId);
      if (!summary || !d) throw new ApiFailure('internal', 'The sample was imported but cannot be read back.');
      return { project: projectSummary(summary), dataset: datasetSummary(d) };
    },
  };
}
