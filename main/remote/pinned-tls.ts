import net from 'node:net';
import tls, { type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { ApiFailure } from '../api/errors.ts';

/** `AB:CD:…` in upper case: how `bert-studio serve` prints it and how Node reports `fingerprint256`. */
export function normalizeFingerprint(f: string): string {
  const hex = f.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 64) throw new ApiFailure('invalid_request', 'The certificate fingerprint must be the 64 hex digits (SHA-256) that `bert-studio serve` printed, e.g. AB:CD:…');
  return hex.match(/../g)!.join(':');
}

function toPem(raw: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

/**
 * TLS options that trust exactly the server whose certificate has this fingerprint. A first
 * connection only looks at the certificate (no request, no token crosses it); when it matches,
 * a self-signed certificate becomes the sole trust anchor of the real connection, and a
 * CA-signed one is verified as usual. Either way the fingerprint is checked again on every
 * connection, so a changed certificate is refused before the token is sent.
 */
export async function pinnedTlsOptions(host: string, port: number, fingerprint: string): Promise<ConnectionOptions> {
  const pin = normalizeFingerprint(fingerprint);
  const cert = await new Promise<PeerCertificate>((resolve, reject) => {
    const socket = tls.connect({ host, port, ...(net.isIP(host.replace(/^\[|\]$/g, '')) ? {} : { servername: host }), rejectUnauthorized: false }, () => {
      const c = socket.getPeerCertificate();
      socket.end();
      resolve(c);
    });
    socket.setTimeout(15_000, () => socket.destroy(new Error('timed out')));
    socket.once('error', (err) => reject(new ApiFailure('unavailable', `Cannot reach the training server at ${host}:${port} (${err.message}). Check the address and that the server is running.`)));
  });
  if (cert.fingerprint256 !== pin) throw new ApiFailure('forbidden', `The server at ${host}:${port} shows a certificate with fingerprint ${cert.fingerprint256}, not the ${pin} you entered. Nothing was sent. Check the fingerprint with the server's administrator.`);
  const selfSigned = cert.issuer !== undefined && JSON.stringify(cert.issuer) === JSON.stringify(cert.subject);
  const checkServerIdentity = (_host: string, c: PeerCertificate): Error | undefined => (c.fingerprint256 === pin ? undefined : new Error(`The server's certificate changed (fingerprint ${c.fingerprint256}).`));
  return selfSigned ? { ca: toPem(cert.raw), checkServerIdentity } : { checkServerIdentity };
}
