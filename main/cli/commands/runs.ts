import type { Command } from '../command.ts';
import { str } from '../parse.ts';
import { baselineShortName } from '../../baseline/advice.ts';
import { getBaseline, getProject, listRuns } from '../../store/index.ts';
import { projectFilter, withStore } from './datasets.ts';
import type { Baseline } from '../../store/types.ts';

/** The run's baseline on its monitored metric (validation), for the list: `{ baseline: { kind, name: value } }`. */
function baselineOf(b: Baseline | undefined, metric: string | null): { baseline: Record<string, string | number> | null } {
  if (!b || !metric || b.validation[metric] === undefined) return { baseline: null };
  return { baseline: { kind: b.kind, [metric]: b.validation[metric] } };
}

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List training runs with their status and best validation metric',
  usage: '[--project NAME]',
  options: [{ name: 'project', type: 'string', value: 'NAME', help: 'Only the runs of this project' }],
  async run(ctx, args) {
    const projectName = str(args, 'project');
    const runs = await withStore(ctx.home, (store) => {
      const projectId = projectFilter(store, projectName);
      return listRuns(store, projectId === undefined ? {} : { projectId }).map((r) => ({
        id: r.id,
        project: getProject(store, r.projectId)?.name ?? null,
        dataset: r.datasetId,
        task: r.task,
        base_model: r.baseModel,
        status: r.status,
        device: r.device,
        stopped: r.stoppedReason,
        best_epoch: r.bestEpoch,
        best_metric: r.bestMetricName ? { [r.bestMetricName]: r.bestMetric } : null,
        error: r.error,
        created_at: r.createdAt,
        ...baselineOf(getBaseline(store, r.id), r.bestMetricName),
      }));
    });
    ctx.out.result({ runs }, () =>
      runs.length === 0
        ? 'No runs yet. Start one with: bert-studio train --task classification --train FILE --from-scratch tiny'
        : runs
            .map((r) => {
              const best = r.best_metric ? Object.entries(r.best_metric).map(([k, v]) => `${k} ${v?.toFixed(4)}`).join('') : '-';
              const b = r.baseline ? ` (${baselineShortName(String(r.baseline.kind))} ${Object.entries(r.baseline).filter(([k]) => k !== 'kind').map(([, v]) => Number(v).toFixed(4)).join('')})` : '';
              return `${String(r.id).padStart(4)}  ${r.status.padEnd(9)} ${r.task.padEnd(14)} ${best.padEnd(22)} ${r.base_model}${b}${r.error ? `  (${r.error})` : ''}`;
            })
            .join('\n'),
    );
  },
};
