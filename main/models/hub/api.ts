import { httpGet, readBody } from './http.ts';

/**
 * The hub's model API and the choice of files to fetch. `?blobs=true` makes the API list each
 * file's size and, for LFS files (weights), its sha256, so every file can be verified.
 */

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface HubFile {
  readonly name: string;
  readonly size?: number;
  /** LFS files: sha256 of the content. */
  readonly sha256?: string;
  /** Non-LFS files: the git blob id (sha1 of `blob <size>\0<content>`). */
  readonly gitSha1?: string;
}

export interface HubModelInfo {
  readonly repo: string;
  /** The commit the revision resolved to, when the API says (it normally does). */
  readonly commit: string | undefined;
  readonly files: readonly HubFile[];
}

/** `HF_ENDPOINT` wins over the default; an explicit argument wins over both. Never ends with '/'. */
export function hubEndpoint(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return (explicit ?? env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

const REPO_ID = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

/** Throws a sentence unless `repo` looks like `name` or `org/name`. */
export function checkRepoId(repo: string): void {
  if (!REPO_ID.test(repo) || repo.includes('..')) throw new Error(`'${repo}' is not a Hugging Face model id; use the form org/name, e.g. google/bert_uncased_L-2_H-128_A-2.`);
}

/**
 * Throws a sentence unless `revision` is a branch, tag or commit name that cannot leave the
 * cache folder it names (`..`, `.` or a backslash would, on Windows even through the `--` escape).
 */
export function checkRevision(revision: string): void {
  const unsafeChar = [...revision].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20);
  const bad = revision === '' || unsafeChar || revision.split('/').some((seg) => seg === '' || seg === '.' || seg === '..');
  if (bad) throw new Error(`'${revision}' is not a revision on the Hugging Face Hub; use a branch, tag or commit, e.g. main.`);
}

export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

interface ApiSibling {
  rfilename?: unknown;
  size?: unknown;
  blobId?: unknown;
  lfs?: { sha256?: unknown; size?: unknown };
}

export async function fetchModelInfo(repo: string, revision: string, opts: { endpoint: string; signal?: AbortSignal; env?: NodeJS.ProcessEnv }): Promise<HubModelInfo> {
  checkRepoId(repo);
  const url = `${opts.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const { res, status } = await httpGet(url, { signal: opts.signal, env: opts.env, headers: { accept: 'application/json' } });
  const body = await readBody(res);
  if (status === 401 || status === 404) {
    throw new Error(`The Hugging Face Hub has no public model '${repo}' at revision '${revision}'. Check the spelling (org/name) and the revision; gated or private models are not supported.`);
  }
  if (status !== 200) throw new Error(`The Hugging Face Hub answered HTTP ${status} for model '${repo}'; try again later.`);
  let json: { sha?: unknown; siblings?: ApiSibling[] };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    throw new Error(`The Hugging Face Hub sent an unreadable answer for '${repo}' (not JSON); check HF_ENDPOINT and your proxy.`);
  }
  if (!Array.isArray(json.siblings)) throw new Error(`The Hugging Face Hub listed no files for '${repo}'.`);
  const files: HubFile[] = [];
  for (const s of json.siblings) {
    if (typeof s.rfilename !== 'string') continue;
    const lfs = s.lfs && typeof s.lfs.sha256 === 'string' ? s.lfs : undefined;
    files.push({
      name: s.rfilename,
      size: typeof s.size === 'number' ? s.size : typeof lfs?.size === 'number' ? lfs.size : undefined,
      sha256: lfs ? String(lfs.sha256) : undefined,
      gitSha1: !lfs && typeof s.blobId === 'string' ? s.blobId : undefined,
    });
  }
  return { repo, commit: typeof json.sha === 'string' && /^[0-9a-f]{40}$/.test(json.sha) ? json.sha : undefined, files };
}

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

/**
 * The files a fine-tune needs, out of everything a repo holds (repos also carry TF, Flax,
 * ONNX and Rust weights that would triple the download). Sharded safetensors list their
 * shards in the index, which the caller reads after fetching it (see shardsOf).
 */
export function selectFiles(repo: string, available: readonly string[]): string[] {
  const has = new Set(available);
  if (!has.has('config.json')) throw new Error(`'${repo}' has no config.json, so it is not a Transformers model BERT Studio can use.`);
  const weights = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin'].find((f) => has.has(f));
  if (!weights) {
    const sharded = has.has('pytorch_model.bin.index.json') ? ' It has only sharded pytorch_model-*.bin weights, which are not supported; use a model with safetensors weights.' : '';
    throw new Error(`'${repo}' has no model.safetensors or pytorch_model.bin weights.${sharded}`);
  }
  const tokenizer = TOKENIZER_FILES.filter((f) => has.has(f));
  if (!tokenizer.some((f) => f === 'tokenizer.json' || f === 'vocab.txt' || f === 'vocab.json')) {
    throw new Error(`'${repo}' has no tokenizer files (tokenizer.json, vocab.txt or vocab.json + merges.txt).`);
  }
  return ['config.json', weights, ...tokenizer];
}

/** The shard files named by a `model.safetensors.index.json`, refusing paths outside the folder. */
export function shardsOf(indexJson: string, where: string): string[] {
  let index: { weight_map?: Record<string, unknown> };
  try {
    index = JSON.parse(indexJson) as typeof index;
  } catch {
    throw new Error(`${where} is not valid JSON.`);
  }
  if (!index.weight_map || typeof index.weight_map !== 'object') throw new Error(`${where} has no weight_map.`);
  const shards = [...new Set(Object.values(index.weight_map).map(String))];
  for (const s of shards) if (s.includes('/') || s.includes('\\') || s.startsWith('.')) throw new Error(`${where} names a shard outside the model folder: ${s}.`);
  return shards.sort();
}
