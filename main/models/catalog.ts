import manifest from '../../resources/models/catalog.json' with { type: 'json' };
import { readManifest, isComplete, type RegisteredModel } from './hub/manifest.ts';

/**
 * The curated base models the app offers (resources/models/catalog.json), and which of them
 * are already in the local cache. The list is data so it can change without code.
 */

/** `laptop`: fine-tunes in reasonable time on a laptop CPU; `gpu`: works on CPU, but a GPU makes it comfortable. */
export type SpeedClass = 'laptop' | 'gpu';

export interface CatalogEntry {
  /** The name users know (e.g. `bert-base-uncased`); accepted by `models add`. */
  readonly id: string;
  /** The canonical hub repository it downloads from (old short names redirect there). */
  readonly repo: string;
  readonly name: string;
  readonly modelType: 'bert' | 'distilbert' | 'roberta';
  readonly parameters: number;
  /** Approximate: weights plus tokenizer files; repositories change. */
  readonly approxDownloadBytes: number;
  readonly speed: SpeedClass;
  readonly goodFor: string;
  readonly languages: readonly string[];
  readonly cased: boolean;
}

export const SPEED_LABELS: Readonly<Record<SpeedClass, string>> = {
  laptop: 'laptop-friendly',
  gpu: 'needs a GPU for comfort',
};

function validate(raw: unknown): readonly CatalogEntry[] {
  const models = (raw as { models?: unknown }).models;
  if (!Array.isArray(models)) throw new Error('resources/models/catalog.json has no models list.');
  for (const m of models as Partial<CatalogEntry>[]) {
    const ok =
      typeof m.id === 'string' &&
      typeof m.repo === 'string' &&
      typeof m.name === 'string' &&
      (m.modelType === 'bert' || m.modelType === 'distilbert' || m.modelType === 'roberta') &&
      typeof m.parameters === 'number' &&
      typeof m.approxDownloadBytes === 'number' &&
      (m.speed === 'laptop' || m.speed === 'gpu') &&
      typeof m.goodFor === 'string';
    if (!ok) throw new Error(`resources/models/catalog.json: entry ${JSON.stringify(m.id)} is incomplete or has a wrong field type.`);
  }
  return models as CatalogEntry[];
}

export const CATALOG: readonly CatalogEntry[] = validate(manifest);

/** The catalog entry for a short id (`bert-base-uncased`) or its canonical repo, if any. */
export function findCatalogEntry(idOrRepo: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === idOrRepo || e.repo === idOrRepo);
}

export interface CatalogStatus extends CatalogEntry {
  /** The complete cached copy, if any (any revision). */
  readonly cached: RegisteredModel | undefined;
}

/** The catalog with, for each model, its complete cached copy (looked up by id or repo). */
export async function catalogWithCache(home: string): Promise<CatalogStatus[]> {
  const { models } = await readManifest(home);
  const out: CatalogStatus[] = [];
  for (const entry of CATALOG) {
    let cached: RegisteredModel | undefined;
    for (const m of models) {
      if (m.source === 'hub' && (m.repo === entry.repo || m.repo === entry.id) && (await isComplete(m))) {
        cached = m;
        break;
      }
    }
    out.push({ ...entry, cached });
  }
  return out;
}
