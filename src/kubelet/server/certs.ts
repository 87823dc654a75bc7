// The kubelet's serving certificate. A node agent has no CA key, so — like a kubelet without
// serverTLSBootstrap — it makes itself a self-signed certificate for its names and keeps it
// in its data directory (pki/kubelet.crt, pki/kubelet.key). In-process nodes of `kubelite up`
// can use issueCertificate() from the cluster CA instead.

import { webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Crypto = webcrypto.Crypto;

async function loadX509() {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  return x509;
}

/** A self-signed ECDSA P-256 serving certificate for the names (DNS names and IPs) given. */
export async function selfSignedServingCertificate(commonName: string, names: string[]): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] &= 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${commonName}@${Math.floor(now / 1000)}`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
        false,
      ),
    ],
  });
  const der = Buffer.from((await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as never)) as ArrayBuffer);
  const key = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem') + '\n', key };
}

/** Loads dir/pki/kubelet.{crt,key}, making them when missing, expiring, or not covering the names. */
export async function ensureKubeletServingCertificate(dataDir: string, nodeName: string, names: string[]): Promise<{ cert: string; key: string }> {
  const pki = join(dataDir, 'pki');
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  const certPath = join(pki, 'kubelet.crt');
  const keyPath = join(pki, 'kubelet.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    try {
      const c = new X509Certificate(cert);
      const san = c.subjectAltName ?? '';
      const covered = names.every((n) => san.includes(`:${n}`));
      if (covered && Date.parse(c.validTo) > Date.now() + 24 * 3600_000) return { cert, key: readFileSync(keyPath, 'utf8') };
    } catch {
      /* remade below */
    }
  }
  const made = await selfSignedServingCertificate(nodeName, names);
  writeFileSync(keyPath, made.key, { mode: 0o600 });
  writeFileSync(certPath, made.cert);
  return made;
}
