import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import net from 'node:net';
import { bits, bool, explicit, octets, oid, seq, set, time, tlv, uint, utf8 } from './der.ts';

export interface SelfSigned {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate, `AB:CD:…` as browsers and `openssl x509 -fingerprint` print it. */
  fingerprint: string;
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const DAY_MS = 24 * 60 * 60 * 1000;

/** subjectAltName entries: `dNSName` [2] for names, `iPAddress` [7] (4 or 16 bytes) for addresses. */
function altNames(hosts: readonly string[]): Buffer {
  const names = hosts.map((h) => {
    if (net.isIPv4(h)) return tlv(0x87, Buffer.from(h.split('.').map(Number)));
    if (net.isIPv6(h)) return tlv(0x87, ipv6Bytes(h));
    return tlv(0x82, Buffer.from(h, 'ascii'));
  });
  return seq(...names);
}

function ipv6Bytes(h: string): Buffer {
  const [head = '', tail = ''] = h.split('::');
  const hs = head ? head.split(':') : [];
  const ts = tail ? tail.split(':') : [];
  const groups = h.includes('::') ? [...hs, ...Array<string>(8 - hs.length - ts.length).fill('0'), ...ts] : hs;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 2 * i));
  return out;
}

/**
 * A self-signed ECDSA P-256 server certificate for `hosts` (names and IP addresses), valid from a
 * day ago (clock skew) for `days`. Clients do not trust it through a CA: they pin its fingerprint.
 */
export function selfSignedCertificate(hosts: readonly string[], days = 825): SelfSigned {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = seq(set(seq(oid('2.5.4.3'), utf8('BERT Studio training server'))));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f | 0x01; // positive and never zero (RFC 5280 4.1.2.2)
  const now = Date.now();
  const extensions = seq(
    seq(oid('2.5.29.19'), bool(true), octets(seq())), // basicConstraints: not a CA
    seq(oid('2.5.29.15'), bool(true), octets(tlv(0x03, Buffer.from([0x07, 0x80])))), // keyUsage: digitalSignature
    seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1')))), // extKeyUsage: serverAuth
    seq(oid('2.5.29.17'), octets(altNames(hosts))),
  );
  const tbs = seq(
    explicit(0, uint(Buffer.from([2]))), // v3
    uint(serial),
    ECDSA_SHA256,
    name,
    seq(time(new Date(now - DAY_MS)), time(new Date(now + days * DAY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA signature
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), fingerprint: new X509Certificate(certPem).fingerprint256 };
}
