import { gunzipSync } from 'node:zlib';
import { httpGet } from './http.ts';

/**
 * Finds a package on a NuGet v3 feed (https://learn.microsoft.com/nuget/api/overview) the way
 * onnxruntime-node's installer does: the service index names the flat container
 * (PackageBaseAddress/3.0.0), where `<id>/<version>/<id>.<version>.nupkg` is the package. NuGet
 * publishes no sha256 of a package; its registration leaf points at a catalog entry with the
 * package's size and SHA-512 (packageHash, base64), which is what we verify against.
 */

export const NUGET_ORG = 'https://api.nuget.org/v3/index.json';

export interface NugetPackage {
  readonly url: string;
  /** From the feed's catalog, when it publishes one (nuget.org does; a plain folder mirror may not). */
  readonly size?: number;
  /** Hex SHA-512 from the catalog. */
  readonly sha512?: string;
}

interface RequestOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

async function getJson(url: string, what: string, opts: RequestOptions): Promise<unknown> {
  const { res, status } = await httpGet(url, { env: opts.env, signal: opts.signal, headers: { accept: 'application/json', 'accept-encoding': 'gzip' } });
  if (status === 404) {
    res.resume();
    return undefined;
  }
  if (status !== 200) {
    res.resume();
    throw new Error(`The package feed answered HTTP ${status} for ${what} (${url}); try again later, or point --feed at a reachable NuGet mirror.`);
  }
  // nuget.org serves its registration pages gzip-compressed; httpGet hands over raw bytes.
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  const raw = Buffer.concat(chunks);
  const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`The package feed's ${what} (${url}) is not JSON; check that --feed is a NuGet v3 service index (…/v3/index.json).`);
  }
}

type Resource = { '@id'?: unknown; '@type'?: unknown };

function resource(index: unknown, type: RegExp): string | undefined {
  const list = (index as { resources?: Resource[] } | undefined)?.resources ?? [];
  const found = list.find((r) => typeof r['@type'] === 'string' && type.test(r['@type']) && typeof r['@id'] === 'string');
  return found ? String(found['@id']).replace(/\/?$/, '/') : undefined;
}

/** Resolves `id` `version` on the feed whose service index is `feed`: its download URL and, where published, size and SHA-512. */
export async function resolveNugetPackage(feed: string, id: string, version: string, opts: RequestOptions = {}): Promise<NugetPackage> {
  const index = await getJson(feed, 'service index', opts);
  const base = resource(index, /^PackageBaseAddress\/3\.0\.0$/);
  if (!base) throw new Error(`${feed} is not a NuGet v3 service index (it lists no PackageBaseAddress); point --feed at …/v3/index.json.`);
  const lid = id.toLowerCase();
  const lver = version.toLowerCase();
  const versions = (await getJson(`${base}${lid}/index.json`, 'version list', opts)) as { versions?: string[] } | undefined;
  if (!versions?.versions?.includes(lver)) throw new Error(`The package feed ${feed} has no ${id} ${version}; use a feed that mirrors it.`);
  const url = `${base}${lid}/${lver}/${lid}.${lver}.nupkg`;
  const registrations = resource(index, /^RegistrationsBaseUrl(\/[\d.]+(-rc)?)?$/);
  if (!registrations) return { url };
  const leaf = (await getJson(`${registrations}${lid}/${lver}.json`, 'registration', opts)) as { catalogEntry?: unknown } | undefined;
  if (typeof leaf?.catalogEntry !== 'string') return { url };
  const entry = (await getJson(leaf.catalogEntry, 'catalog entry', opts)) as { packageHash?: unknown; packageHashAlgorithm?: unknown; packageSize?: unknown } | undefined;
  const sha512 = entry?.packageHashAlgorithm === 'SHA512' && typeof entry.packageHash === 'string' ? Buffer.from(entry.packageHash, 'base64').toString('hex') : undefined;
  const size = typeof entry?.packageSize === 'number' ? entry.packageSize : undefined;
  return { url, size, sha512 };
}
