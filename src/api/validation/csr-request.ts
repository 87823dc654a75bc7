// The cryptographic checks of CertificateSigningRequest validation: that spec.request is a
// PEM "CERTIFICATE REQUEST" whose PKCS#10 signature verifies against its own public key, and
// that status.certificate holds only parseable CERTIFICATE blocks. Pure computation on the
// bytes (node:crypto verifies signatures synchronously); errors read as Go's do.

import { X509Certificate, createPublicKey, verify } from 'node:crypto';

interface PemBlock {
  type: string;
  headers: boolean;
  bytes: Buffer;
}

/** pem.Decode, repeatedly: the blocks in order, ignoring text around them. */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2];
    const blank = body.search(/\r?\n\r?\n/);
    const headers = blank >= 0 && body.slice(0, blank).split(/\r?\n/).every((l) => l.includes(':'));
    const base64 = (headers ? body.slice(blank) : body).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) continue;
    blocks.push({ type: m[1], headers, bytes: Buffer.from(base64, 'base64') });
  }
  return blocks;
}

class DerError extends Error {}

interface Tlv {
  tag: number;
  /** The whole element, header included. */
  raw: Buffer;
  content: Buffer;
}

function readTlv(buf: Buffer, offset: number): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError();
  const tag = buf[offset];
  let len = buf[offset + 1];
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || offset + 2 + n > buf.length) throw new DerError();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i];
    header += n;
  }
  const end = offset + header + len;
  if (end > buf.length) throw new DerError();
  return { tlv: { tag, raw: buf.subarray(offset, end), content: buf.subarray(offset + header, end) }, next: end };
}

function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < t.content.length; ) {
    const { tlv, next } = readTlv(t.content, off);
    out.push(tlv);
    off = next;
  }
  return out;
}

function oid(content: Buffer): string {
  const parts: number[] = [Math.floor(content[0] / 40), content[0] % 40];
  let v = 0;
  for (let i = 1; i < content.length; i++) {
    v = v * 128 + (content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Signature algorithm OID → the digest node:crypto verifies with (null for Ed25519). */
const signatureDigests: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** certificates.ParseCSR + CheckSignature: undefined when the request is a valid, self-signed CSR. */
export function csrRequestProblem(pem: string): string | undefined {
  const block = decodePem(pem)[0];
  if (!block || block.type !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  let info: Tlv;
  let algorithm: string;
  let signature: Buffer;
  let spki: Tlv;
  try {
    const { tlv: outer, next } = readTlv(block.bytes, 0);
    if (outer.tag !== 0x30 || next !== block.bytes.length) throw new DerError();
    const [infoTlv, algTlv, sigTlv] = children(outer);
    if (!infoTlv || !algTlv || !sigTlv || infoTlv.tag !== 0x30 || algTlv.tag !== 0x30 || sigTlv.tag !== 0x03) throw new DerError();
    info = infoTlv;
    const [algOid] = children(algTlv);
    if (!algOid || algOid.tag !== 0x06) throw new DerError();
    algorithm = oid(algOid.content);
    signature = sigTlv.content.subarray(1);
    const infoParts = children(info);
    spki = infoParts[2];
    if (!spki || spki.tag !== 0x30) throw new DerError();
  } catch (e) {
    if (e instanceof DerError) return 'asn1: syntax error: data truncated';
    throw e;
  }
  if (!(algorithm in signatureDigests)) return 'x509: cannot verify signature: algorithm unimplemented';
  let ok: boolean;
  try {
    const key = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' });
    ok = verify(signatureDigests[algorithm] ?? null, info.raw, key, signature);
  } catch {
    ok = false;
  }
  if (ok) return undefined;
  if (algorithm.startsWith('1.2.840.10045')) return 'x509: ECDSA verification failure';
  if (algorithm === '1.3.101.112') return 'x509: Ed25519 verification failure';
  return 'crypto/rsa: verification error';
}

/** validateCertificate: undefined when empty or only well-formed CERTIFICATE blocks. */
export function certificateProblem(pem: string): string | undefined {
  if (pem.length === 0) return undefined;
  const blocks = decodePem(pem);
  for (const block of blocks) {
    if (block.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(block.type)}`;
    if (block.headers) return 'no PEM block headers are permitted';
    try {
      new X509Certificate(block.bytes);
    } catch {
      return 'x509: malformed certificate';
    }
  }
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  return undefined;
}
