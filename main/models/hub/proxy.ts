import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Proxy settings from the environment, the way curl and most tools read them: HTTPS_PROXY for
 * https URLs, HTTP_PROXY for http ones (lower-case names too), NO_PROXY a comma list of hosts,
 * domain suffixes (`.corp` or `corp`), `host:port`, or `*`. Corporate networks where analysts
 * work often allow nothing else out.
 */

/** The lower-case name wins (as in curl); an empty value counts as unset. */
function envVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const v = env[key]?.trim();
    if (v) return v;
  }
  return undefined;
}

/** The proxy to use for `target`, or undefined to connect directly. Throws a sentence if the variable is not a URL. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const raw = target.protocol === 'https:' ? envVar(env, 'https_proxy') : envVar(env, 'http_proxy');
  if (!raw) return undefined;
  if (bypassed(target, envVar(env, 'no_proxy'))) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new Error(`The proxy setting '${raw}' (HTTPS_PROXY/HTTP_PROXY) is not a URL; set it like http://proxy.example.com:3128.`);
  }
  if (proxy.protocol !== 'http:') throw new Error(`Proxy ${proxy.host} uses ${proxy.protocol.replace(':', '')}; only http:// proxies are supported (HTTPS traffic still goes through them encrypted, via CONNECT).`);
  return proxy;
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = defaultPort(target);
  for (const raw of noProxy.split(/[,\s]+/)) {
    const rule = raw.trim().toLowerCase();
    if (!rule) continue;
    if (rule === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(rule.replace(/^\[|\]$/g, ''))!;
    const ruleHost = m[1].replace(/^\*?\./, '');
    if (m[2] && m[2] !== port) continue;
    if (host === ruleHost || host.endsWith(`.${ruleHost}`)) return true;
  }
  return false;
}

/** `Proxy-Authorization` for a proxy URL with user:password, else nothing. */
export function proxyAuthHeader(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(creds).toString('base64')}` };
}

/**
 * Opens a raw TCP tunnel to host:port through an HTTP proxy (the CONNECT method). The caller
 * runs TLS over the returned socket, so the proxy never sees the traffic.
 */
export function openTunnel(proxy: URL, host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const req = http.request({
      host: proxy.hostname,
      port: Number(defaultPort(proxy)),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthHeader(proxy) },
      signal,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      const hint = res.statusCode === 407 ? ' Put the user and password in the proxy URL (http://user:pass@proxy:port).' : '';
      reject(new Error(`Proxy ${proxy.host} refused to connect to ${authority} (HTTP ${res.statusCode}).${hint}`));
    });
    req.once('error', (err) => reject(signal?.aborted ? err : new Error(`Could not reach proxy ${proxy.host}: ${err.message}. Check HTTPS_PROXY/HTTP_PROXY.`)));
    req.end();
  });
}
