import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/**
 * A real forward proxy on 127.0.0.1, like a corporate one: absolute-form GETs are relayed
 * (plain http), CONNECT opens a TCP tunnel (https; the proxy sees only the host and port).
 */
export interface ForwardProxy {
  readonly url: string;
  /** `GET absolute-url` or `CONNECT host:port`, in order. */
  readonly log: string[];
  close(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const log: string[] = [];
  const server = http.createServer((req, res) => {
    log.push(`GET ${req.url}`);
    const upstream = http.request(new URL(req.url!), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  // Tunnels leave the HTTP server's bookkeeping, so close() must end them itself.
  const tunnels = new Set<net.Socket>();
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    log.push(`CONNECT ${req.url}`);
    tunnels.add(client);
    client.on('close', () => tunnels.delete(client));
    const [host, port] = req.url!.split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on('close', () => tunnels.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: async () => {
      server.closeAllConnections();
      for (const s of tunnels) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
