import type { Command } from '../command.ts';
import { listProjects } from '../../store/index.ts';
import { withStore } from './datasets.ts';

export const projectsCommand: Command = {
  name: 'projects',
  summary: 'List projects with their datasets, runs and latest result',
  usage: '',
  options: [],
  async run(ctx) {
    const projects = await withStore(ctx.home, (store) => listProjects(store));
    ctx.out.result({ projects }, () =>
      projects.length === 0
        ? 'No projects yet. Importing data creates one: bert-studio import FILE --task classification --project NAME'
        : projects
            .map((p) => {
              const run = p.lastRun ? `last run ${p.lastRun.id} ${p.lastRun.status}${p.lastRun.bestMetric !== null ? ` (${p.lastRun.bestMetricName} ${p.lastRun.bestMetric.toFixed(4)})` : ''}` : 'no runs';
              return `${String(p.id).padStart(4)}  ${p.name}  ${p.datasetCount} dataset${p.datasetCount === 1 ? '' : 's'}, ${p.runCount} run${p.runCount === 1 ? '' : 's'}, ${run}`;
            })
            .join('\n'),
    );
  },
};
