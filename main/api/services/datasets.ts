import type { ApiHandlers } from '../dispatch.ts';
import { notFound } from '../errors.ts';
import type { ImportReport } from '../types.ts';
import { deleteDataset, getDataset, getProject, listDatasets } from '../../store/index.ts';
import type { ServiceContext } from './context.ts';
import { datasetDetail, datasetSummary } from './convert.ts';

type DatasetHandlers = Pick<ApiHandlers, 'datasets.list' | 'datasets.get' | 'datasets.delete'>;

export function datasetsService(ctx: ServiceContext, reportOf: (stored: unknown) => ImportReport | undefined): DatasetHandlers {
  return {
    'datasets.list': ({ projectId }) => {
      if (!getProject(ctx.store, projectId)) throw notFound('This project');
      return listDatasets(ctx.store, { projectId }).map(datasetSummary);
    },
    'datasets.get': ({ datasetId }) => {
      const d = getDataset(ctx.store, datasetId);
      if (!d) throw notFound('This dataset');
      return datasetDetail(d, reportOf(d.report));
    },
    'datasets.delete': ({ datasetId }) => {
      if (!deleteDataset(ctx.store, datasetId)) throw notFound('This dataset');
      return { deleted: true };
    },
  };
}
