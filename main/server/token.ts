import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'bert_studio_token';

/** A fresh random token per launch: other local users' pages cannot guess it. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The request target as a URL, or undefined when it cannot be parsed (`GET http://[ HTTP/1.1`
 * is accepted by Node's HTTP parser but makes `new URL` throw, which would end the process).
 */
export function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

/** The token a request carries: `?token=`, `Authorization: Bearer`, or the session cookie. */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = req.headers.cookie?.split(';').map((c) => c.trim().split('=')).find(([k]) => k === TOKEN_COOKIE);
  return cookie?.[1];
}

export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const given = requestToken(req, url);
  return given !== undefined && same(given, token);
}
