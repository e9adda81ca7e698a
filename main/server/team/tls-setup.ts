import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selfSignedCertificate } from './cert.ts';
import { teamDir } from './team-db.ts';
import { TeamUserError } from './users.ts';

export interface ServerTls {
  cert: string;
  key: string;
  fingerprint: string;
  /** Where the generated certificate lives, when the server made it. */
  generated?: string;
}

function readPem(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new TeamUserError(`Cannot read the ${what} ${path.resolve(file)}. Check the path and that this user may read it.`);
  }
}

/**
 * The admin's certificate and key (PEM), checked to belong together; or, without them, the
 * self-signed certificate this server made on its first start (`home/team/tls/`), kept so its
 * fingerprint — which clients pin — stays the same across restarts.
 */
export function serverTls(home: string, certFile: string | undefined, keyFile: string | undefined, host: string): ServerTls {
  if ((certFile === undefined) !== (keyFile === undefined)) throw new TeamUserError('Give both --cert FILE and --key FILE (PEM), or neither to use a self-signed certificate made by the server.');
  if (certFile !== undefined && keyFile !== undefined) {
    const cert = readPem(certFile, 'certificate');
    const key = readPem(keyFile, 'private key');
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(cert);
      if (!x509.checkPrivateKey(createPrivateKey(key))) throw new TeamUserError(`The key ${path.resolve(keyFile)} does not belong to the certificate ${path.resolve(certFile)}. Give the key the certificate was issued for.`);
    } catch (err) {
      if (err instanceof TeamUserError) throw err;
      throw new TeamUserError(`${path.resolve(certFile)} and ${path.resolve(keyFile)} must be a PEM certificate and its PEM private key (${err instanceof Error ? err.message : String(err)}).`);
    }
    return { cert, key, fingerprint: x509.fingerprint256 };
  }
  const dir = path.join(teamDir(home), 'tls');
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
    const hosts = [...new Set([os.hostname(), 'localhost', '127.0.0.1', '::1', ...(host === '0.0.0.0' || host === '::' ? [] : [host])])];
    const made = selfSignedCertificate(hosts);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(keyPath, made.keyPem, { mode: 0o600 });
    fs.writeFileSync(certPath, made.certPem);
  }
  const cert = fs.readFileSync(certPath, 'utf8');
  return { cert, key: fs.readFileSync(keyPath, 'utf8'), fingerprint: new X509Certificate(cert).fingerprint256, generated: certPath };
}
