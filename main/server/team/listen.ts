import net from 'node:net';

/** True for addresses only this machine can reach: where plain HTTP is allowed. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return net.isIPv6(host) && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}

/** `HOST:PORT`, `[v6]:PORT` → parts, or a sentence saying what to write instead. */
export function parseListen(value: string): { host: string; port: number } | string {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim());
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || host === undefined || !(port >= 0 && port <= 65535)) return `--listen must be HOST:PORT (for example 0.0.0.0:8443, 127.0.0.1:8080 or [::]:8443), not '${value}'.`;
  if (host !== 'localhost' && net.isIP(host) === 0 && !/^[A-Za-z0-9.-]+$/.test(host)) return `--listen has an invalid host '${host}': give an IP address or a host name of this machine.`;
  return { host, port };
}
