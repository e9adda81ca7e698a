import path from 'node:path';
import type { ApiHandlers } from '../dispatch.ts';
import { EventHub } from '../dispatch.ts';
import { VERSION } from '../../version.ts';
import { failInterruptedRuns, openStore, type Store } from '../../store/index.ts';
import type { ServiceContext } from './context.ts';
import type { Core } from './core.ts';
import { cudaService } from './cuda.ts';
import { baselinesService } from './baselines.ts';
import { clusterService } from './cluster.ts';
import { datasetsService } from './datasets.ts';
import { devicesService } from './devices.ts';
import { exportsService } from './exports.ts';
import { importsService } from './imports.ts';
import { modelsService } from './models.ts';
import { projectsService } from './projects.ts';
import { resultsService } from './results.ts';
import { runsService } from './runs.ts';
import { samplesService } from './samples.ts';
import { BROWSER_SYSTEM, systemService, type SystemHooks } from './system.ts';
import { uploadsService } from './uploads.ts';
import { loadCore } from './wiring.ts';
import { trainingServerSwitch, type LocalHandlers } from '../../remote/switch.ts';
import { setNativeLogFile } from '../../engine/quiet-probe.ts';

export interface Api {
  readonly handlers: ApiHandlers;
  readonly events: EventHub;
  /** The open store, for transports that check ownership against it (the training server). */
  readonly store: Store;
  close(): Promise<void>;
}

export interface ApiOptions {
  home: string;
  mode: 'electron' | 'browser';
  system?: SystemHooks;
  /** Replaces the real core modules (tests of the API layer itself). */
  core?: Core;
}

/** The whole API over one store: what both transports serve. */
export async function createApi(opts: ApiOptions): Promise<Api> {
  const store = openStore(opts.home);
  // Native libraries' messages (GPU drivers during the device probe) go to the home's log, not the terminal.
  setNativeLogFile(path.join(opts.home, 'logs', 'native.log'));
  // A run left `running` by a process that died is not running any more; say so (it can be resumed).
  failInterruptedRuns(store);
  const events = new EventHub();
  const ctx: ServiceContext = { home: opts.home, mode: opts.mode, store, events };
  const core = opts.core ?? (await loadCore());
  const uploads = uploadsService(ctx);
  const runs = runsService(ctx, core.trainer);
  const local: LocalHandlers = {
    'app.info': () => ({
      version: VERSION,
      mode: opts.mode,
      home: opts.home,
      features: {
        projects: true,
        import: !!core.import,
        models: !!core.models,
        download: !!core.models?.download,
        training: !!core.trainer,
        evaluation: !!core.evaluation,
        predict: !!core.predict,
        export: !!core.export,
      },
    }),
    ...projectsService(ctx, (ids) => runs.stop(ids)),
    ...samplesService(ctx, core.import),
    ...uploads,
    ...importsService(ctx, core.import),
    ...datasetsService(ctx, (stored) => core.import?.reportOf(stored)),
    ...modelsService(ctx, core.models),
    ...runs,
    ...resultsService(ctx, core.evaluation, core.predict),
    ...exportsService(ctx, core.export),
    ...clusterService(ctx),
    ...baselinesService(ctx),
    ...systemService(opts.system ?? BROWSER_SYSTEM),
    ...devicesService(),
    ...cudaService(ctx),
  };
  // Local mode, or every command forwarded to a team training server once the user connects (main/remote).
  const remote = trainingServerSwitch(local, ctx);
  return {
    handlers: remote.handlers,
    events,
    store,
    async close() {
      remote.close();
      await runs.close();
      await core.close?.();
      uploads.close();
      store.close();
    },
  };
}
