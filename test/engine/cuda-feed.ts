import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateRawSync } from 'node:zlib';
import { CUDA_FILES, CUDA_PACKAGE, PATH_IN_PACKAGE } from '../../main/engine/cuda-runtime.ts';

/**
 * A NuGet v3 feed on 127.0.0.1 serving a package built here: the service index, the flat
 * container with Range support, and the registration + catalog leaf that carry the package's
 * SHA-512, as nuget.org lays them out. `cutAfter` drops the first package transfer after that
 * many bytes, to test resuming.
 */

/** A zip with deflated entries (what a .nupkg is), written by hand: 30-byte local headers, a central directory, the end record. */
export function buildZip(entries: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const nameBuf = Buffer.from(name);
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * The package with fake provider libraries: random bytes, so the zip is as large as its content
 * and a transfer can be cut in the middle; not ELF files, so ORT's attempt to open them names their path.
 */
export function fakeCudaPackage(): { zip: Buffer; files: Record<string, Buffer> } {
  const files = Object.fromEntries(CUDA_FILES.map((f, i) => [f, randomBytes(200_000 * (i + 1))]));
  const entries: Record<string, Buffer> = { 'Microsoft.ML.OnnxRuntime.Gpu.Linux.nuspec': Buffer.from('<package/>') };
  for (const [f, data] of Object.entries(files)) entries[PATH_IN_PACKAGE + f] = data;
  return { zip: buildZip(entries), files };
}

export interface FakeFeed {
  readonly url: string;
  readonly sha256: string;
  /** `GET path [range]`, in order. */
  readonly log: string[];
  cutAfter: number | undefined;
  /** Like cutAfter, but the connection stays open and silent (a stalled transfer, to be cancelled). */
  stallAfter: number | undefined;
  close(): Promise<void>;
}

export async function startFakeFeed(pkg: Buffer, version: string, opts: { publishHash?: boolean; servedPackage?: Buffer } = {}): Promise<FakeFeed> {
  const id = CUDA_PACKAGE.toLowerCase();
  const served = opts.servedPackage ?? pkg;
  const log: string[] = [];
  let base = '';
  const state = { cutAfter: undefined as number | undefined, stallAfter: undefined as number | undefined };
  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const p = new URL(req.url!, 'http://x').pathname;
    log.push(`GET ${p}${req.headers.range ? ` ${req.headers.range}` : ''}`);
    if (p === '/v3/index.json') {
      const resources = [{ '@id': `${base}/flat/`, '@type': 'PackageBaseAddress/3.0.0' }];
      if (opts.publishHash !== false) resources.push({ '@id': `${base}/reg/`, '@type': 'RegistrationsBaseUrl/3.6.0' });
      return json(res, { version: '3.0.0', resources });
    }
    if (p === `/flat/${id}/index.json`) return json(res, { versions: ['1.0.0', version] });
    if (p === `/reg/${id}/${version}.json`) return json(res, { catalogEntry: `${base}/catalog/${id}.${version}.json` });
    if (p === `/catalog/${id}.${version}.json`) return json(res, { packageHash: createHash('sha512').update(pkg).digest('base64'), packageHashAlgorithm: 'SHA512', packageSize: pkg.length });
    if (p === `/flat/${id}/${version}/${id}.${version}.nupkg`) {
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      const body = served.subarray(start);
      res.writeHead(m ? 206 : 200, { 'content-length': body.length, ...(m ? { 'content-range': `bytes ${start}-${served.length - 1}/${served.length}` } : {}) });
      if (state.stallAfter !== undefined) {
        const stall = state.stallAfter;
        state.stallAfter = undefined;
        res.write(body.subarray(0, stall));
        return;
      }
      if (state.cutAfter !== undefined) {
        // Send part of the body, then drop the connection as a flaky network would.
        const cut = state.cutAfter;
        state.cutAfter = undefined;
        res.write(body.subarray(0, cut), () => res.destroy());
        return;
      }
      return res.end(body);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/v3/index.json`,
    sha256: createHash('sha256').update(pkg).digest('hex'),
    log,
    get cutAfter() {
      return state.cutAfter;
    },
    set cutAfter(v) {
      state.cutAfter = v;
    },
    get stallAfter() {
      return state.stallAfter;
    },
    set stallAfter(v) {
      state.stallAfter = v;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
