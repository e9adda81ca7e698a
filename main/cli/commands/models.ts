import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command, CommandContext, ParsedArgs } from '../command.ts';
import { UserError } from '../errors.ts';
import { str } from '../parse.ts';
import { catalogWithCache, findCatalogEntry, SPEED_LABELS } from '../../models/catalog.ts';
import { downloadModel } from '../../models/hub/download-model.ts';
import { exportedRunOf } from '../../cluster/import-trained.ts';
import { addTrainedFolder } from './export-job.ts';
import { registerLocalFolder } from '../../models/hub/local-folder.ts';
import { isComplete, readManifest, resolveCachedModel, type RegisteredModel } from '../../models/hub/manifest.ts';

/**
 * `bert-studio models`: what is usable offline (the cache manifest) and the curated catalog.
 * `bert-studio models add DIR|REPO_ID`: register a local Hugging Face folder by reference, or
 * download a hub model into the cache (progress on stderr, resumable, verified).
 */

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function params(n: number): string {
  return n >= 1e6 ? `${Math.round(n / 1e5) / 10}M` : `${n}`;
}

async function list(ctx: CommandContext): Promise<void> {
  const { models } = await readManifest(ctx.home);
  const cached = await Promise.all(models.map(async (m) => ({ ...m, complete: await isComplete(m) })));
  const catalog = (await catalogWithCache(ctx.home)).map(({ cached: c, ...e }) => ({ ...e, speedLabel: SPEED_LABELS[e.speed], cached: c !== undefined, cachedPath: c?.path ?? null }));
  ctx.out.result({ cached, catalog }, () => {
    const lines = ['Models on this computer:'];
    if (!cached.length) lines.push("  (none yet: add one with 'bert-studio models add DIR|REPO_ID')");
    for (const m of cached) {
      const state = m.complete ? '' : '  [files missing: add it again]';
      const where = m.source === 'hub' ? `downloaded, in ${m.path}` : m.sourcePath ? `local folder, converted into ${m.path}` : 'local folder, used in place';
      lines.push(`  ${m.id}  ${m.modelType}  ${mb(m.sizeBytes)}  (${where})${state}`);
    }
    lines.push('', 'Catalog (download sizes are approximate):');
    const width = Math.max(...catalog.map((e) => e.id.length));
    for (const e of catalog) {
      lines.push(`  ${e.id.padEnd(width)}  ${params(e.parameters).padStart(6)} params  ~${mb(e.approxDownloadBytes).padStart(8)}  ${e.speedLabel.padEnd(23)}  ${e.cached ? 'cached' : 'not cached'}`);
      lines.push(`  ${''.padEnd(width)}  ${e.goodFor}`);
    }
    return lines.join('\n');
  });
}

/** A progress printer for stderr: one updating line on a terminal, a line per 10% otherwise. */
export function progressPrinter(): (bytes: number, total: number | undefined, file: string) => void {
  const tty = process.stderr.isTTY === true;
  let lastFile = '';
  let lastTime = 0;
  let lastDecile = -1;
  return (bytes, total, file) => {
    const pct = total ? Math.floor((bytes / total) * 100) : undefined;
    const done = total !== undefined && bytes >= total;
    const text = `${file}  ${mb(bytes)}${total ? ` of ${mb(total)} (${pct}%)` : ''}`;
    if (file !== lastFile) {
      if (tty && lastFile) process.stderr.write('\n');
      lastFile = file;
      lastDecile = -1;
    }
    if (tty) {
      const now = Date.now();
      if (done || now - lastTime > 200) process.stderr.write(`\r${text}\x1b[K${done ? '\n' : ''}`);
      lastTime = now;
      return;
    }
    const decile = pct === undefined ? 0 : Math.floor(pct / 10);
    if (decile !== lastDecile || done) {
      lastDecile = decile;
      process.stderr.write(text + '\n');
    }
  };
}

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Library errors are sentences a user can act on; present them as such (exit 2). */
export async function asUserError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw new UserError('The download was cancelled; run the same command again to resume where it stopped.');
    if (err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError)) throw new UserError(err.message);
    throw err;
  }
}

async function add(ctx: CommandContext, target: string, revision: string | undefined): Promise<void> {
  const looksLikePath = target.startsWith('.') || target.startsWith('/') || target.startsWith('~') || target.includes('\\') || path.isAbsolute(target);
  let model: RegisteredModel;
  // A model an exported cluster job trained comes back as a run, not as a base model.
  const trainedFrom = (await isFolder(target)) ? exportedRunOf(target) : undefined;
  if (trainedFrom !== undefined) return addTrainedFolder(ctx, target, trainedFrom);
  if (await isFolder(target)) {
    if (revision !== undefined) throw new UserError('--revision applies to hub downloads, not to a local folder.');
    model = await asUserError(registerLocalFolder(ctx.home, target));
    ctx.out.info(
      model.sourcePath
        ? `Registered ${model.sourcePath} (${model.modelType}): its PyTorch weights were checked and converted to ${model.path}; the original folder was not changed.`
        : `Registered ${model.path} (${model.modelType}, ${mb(model.sizeBytes)}). It is used in place: keep the folder where it is.`,
    );
  } else if (looksLikePath) {
    throw new UserError(`${path.resolve(target)} is not a folder. Give a Hugging Face model folder (with config.json) or a hub id such as bert-base-uncased.`);
  } else {
    const repo = findCatalogEntry(target)?.repo ?? target;
    const cached = await asUserError(resolveCachedModel(ctx.home, repo, revision ?? 'main'));
    if (cached) {
      model = cached;
      ctx.out.info(`${model.id} is already on this computer at ${model.path}.`);
    } else {
      ctx.out.info(`Downloading ${repo}${revision ? `@${revision}` : ''} into ${ctx.home}…`);
      model = await asUserError(downloadModel({ home: ctx.home, repo, revision, signal: ctx.signal, onProgress: progressPrinter() }));
      ctx.out.info(`Ready: ${model.id} (${model.modelType}, ${mb(model.sizeBytes)}) at ${model.path}; it now works offline.`);
    }
  }
  if (ctx.json) ctx.out.result(model);
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List cached and catalog models, or add one (a local folder or a Hugging Face Hub id)',
  usage: '[add DIR|REPO_ID [--revision R]] [--json]',
  options: [{ name: 'revision', type: 'string', value: 'R', help: 'Hub branch, tag or commit to download (default: main)' }],
  positionals: { min: 0, max: 2 },
  async run(ctx, args: ParsedArgs) {
    const [sub, target] = args.positionals;
    if (sub === undefined) {
      if (str(args, 'revision') !== undefined) throw new UserError("--revision goes with 'models add REPO_ID'.");
      await list(ctx);
      return;
    }
    if (sub !== 'add') throw new UserError(`Unknown 'models' action '${sub}'. Use 'bert-studio models' to list or 'bert-studio models add DIR|REPO_ID' to add one.`);
    if (target === undefined) throw new UserError("'bert-studio models add' needs a model folder or a hub id, e.g. bert-studio models add bert-base-uncased.");
    await add(ctx, target, str(args, 'revision'));
  },
};
