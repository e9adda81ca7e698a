import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { openTunnel, proxyAuthHeader, proxyFor } from './proxy.ts';

/**
 * GET with what a model download needs from plain node:http: redirects across hosts (the hub
 * sends large files to a CDN), proxies from the environment, cancellation, and an idle
 * timeout so a stalled connection fails instead of hanging forever.
 */

export interface GetOptions {
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly maxRedirects?: number;
  /** Milliseconds without any data before the request fails; default 60 s. */
  readonly idleTimeoutMs?: number;
}

export interface Hop {
  readonly url: URL;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
}

export interface GetResponse {
  /** The final response after redirects; its body is not yet read. */
  readonly res: IncomingMessage;
  readonly status: number;
  readonly url: URL;
  /** Every response on the way, first to last. The hub puts file metadata on the first. */
  readonly hops: readonly Hop[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function httpGet(url: string | URL, opts: GetOptions = {}): Promise<GetResponse> {
  let current = new URL(url);
  const origin = current.origin;
  const hops: Hop[] = [];
  const max = opts.maxRedirects ?? 10;
  for (let i = 0; ; i++) {
    // Caller headers such as Range apply on every hop; Authorization would stay with the
    // original host, but none is sent today (public models only).
    const res = await requestOnce(current, opts);
    const status = res.statusCode ?? 0;
    hops.push({ url: current, status, headers: res.headers });
    const location = res.headers.location;
    if (!REDIRECTS.has(status) || !location) return { res, status, url: current, hops };
    res.resume(); // discard the redirect's body so the socket is freed
    if (i >= max) throw new Error(`${new URL(url).pathname} redirected more than ${max} times (last to ${location}); the server may be misconfigured.`);
    current = new URL(location, current);
    if (current.protocol !== 'https:' && current.protocol !== 'http:') throw new Error(`A download from ${origin} redirected to an unsupported address: ${location}.`);
  }
}

async function requestOnce(url: URL, opts: GetOptions): Promise<IncomingMessage> {
  const env = opts.env ?? process.env;
  const proxy = proxyFor(url, env);
  const headers: Record<string, string> = { 'user-agent': 'bert-studio', accept: '*/*', ...opts.headers };
  const isHttps = url.protocol === 'https:';
  const port = Number(url.port || (isHttps ? 443 : 80));
  let req: http.ClientRequest;
  if (proxy && isHttps) {
    const socket = await openTunnel(proxy, url.hostname, port, opts.signal);
    const secure = tls.connect({ socket, servername: url.hostname });
    req = https.request(url, { method: 'GET', headers, signal: opts.signal, createConnection: () => secure });
  } else if (proxy) {
    // Plain http through a proxy: the request line carries the absolute URL.
    req = http.request({ host: proxy.hostname, port: Number(proxy.port || 80), method: 'GET', path: url.href, headers: { ...headers, host: url.host, ...proxyAuthHeader(proxy) }, signal: opts.signal });
  } else {
    req = (isHttps ? https : http).request(url, { method: 'GET', headers, signal: opts.signal });
  }
  const idle = opts.idleTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    req.setTimeout(idle, () => req.destroy(new Error(`${url.host} sent nothing for ${Math.round(idle / 1000)} s; the connection stalled. Try again.`)));
    req.once('response', (res) => {
      // Keep the idle timeout on the body too: a half-sent file must not hang the download.
      res.socket?.setTimeout(idle);
      resolve(res);
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      if (opts.signal?.aborted) reject(abortError());
      else reject(new Error(networkSentence(url, err, proxy)));
    });
    req.end();
  });
}

export function abortError(): Error {
  const err = new Error('The download was cancelled.');
  err.name = 'AbortError';
  return err;
}

function networkSentence(url: URL, err: NodeJS.ErrnoException, proxy: URL | undefined): string {
  const via = proxy ? ` through proxy ${proxy.host}` : '';
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Could not find ${url.hostname}${via}: this computer seems to be offline or its DNS is blocked. Connect to the internet, or use a model that is already cached or on disk.`;
    case 'ECONNREFUSED':
      return `${url.host}${via} refused the connection. Check your network or proxy settings (HTTPS_PROXY).`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
      return `The TLS certificate of ${url.host}${via} is not trusted (${err.code}). If your network inspects HTTPS, set NODE_EXTRA_CA_CERTS to your organisation's root certificate file and try again.`;
    default:
      return `Could not download from ${url.host}${via}: ${err.message}.`;
  }
}

/** Reads a whole (small) response body as text, e.g. the hub's JSON. */
export async function readBody(res: IncomingMessage, limitBytes = 32 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limitBytes) throw new Error(`The response from ${res.url ?? 'the server'} is larger than ${limitBytes} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
