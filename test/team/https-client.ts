import https from 'node:https';
import type { Readable } from 'node:stream';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request to the training server under test, trusting only the test's certificate. */
export function request(url: string, ca: string, opts: { method?: string; token?: string; body?: Buffer | Readable; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', ca, headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers } }, (res) => {
      // A server that answers before the body is sent (413) gets no more of it.
      if (opts.body !== undefined && !Buffer.isBuffer(opts.body)) opts.body.unpipe(req).destroy();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      // A refused stream ends with the server closing the connection; the reply (413) is what counts.
      body.on('error', () => undefined);
      req.on('error', () => undefined);
      body.pipe(req);
    }
  });
}
