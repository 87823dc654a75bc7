// The cluster's PKI: a CA and a serving certificate for the API server, generated into the
// data directory on first start and reused afterwards. ECDSA P-256 keys make generation take
// milliseconds, which keeps a cold start under a second.

import { webcrypto, X509Certificate as NodeX509 } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Crypto = webcrypto.Crypto;
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';

// @peculiar/x509 (and the reflect-metadata polyfill its DI container needs) takes ~100 ms to
// load, so it is loaded only when a certificate has to be made, not on every start.
let x509: typeof X509;
async function loadX509(): Promise<void> {
  if (x509) return;
  await import('reflect-metadata');
  x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface CertificatePaths {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

export interface ClusterPki {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  paths: CertificatePaths;
}

function pemKey(der: ArrayBuffer): string {
  return `-----BEGIN PRIVATE KEY-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ecdsa, true, ['sign']) as Promise<CryptoKey>;
}

const tenYears = 10 * 365 * 24 * 3600 * 1000;

async function createCa(): Promise<{ cert: string; key: string }> {
  await loadX509();
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=kubelite-ca@${Math.floor(now / 1000)}`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + tenYears),
    signingAlgorithm: signing,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as never);
  return { cert: cert.toString('pem') + '\n', key: pemKey(keyDer as ArrayBuffer) };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // a positive serial
  return Buffer.from(bytes).toString('hex');
}

export interface LeafOptions {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  usage: 'server' | 'client' | 'both';
}

/** Issues a certificate signed by the CA; returns PEM cert and key. */
export async function issueCertificate(caCertPem: string, caKeyPem: string, opts: LeafOptions): Promise<{ cert: string; key: string }> {
  await loadX509();
  const caCert = new x509.X509Certificate(caCertPem);
  const caKey = await importKey(caKeyPem);
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const subject = [`CN=${opts.commonName}`, ...(opts.organizations ?? []).map((o) => `O=${o}`)].reverse().join(', ');
  const usages: string[] = [];
  if (opts.usage !== 'client') usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (opts.usage !== 'server') usages.push(x509.ExtendedKeyUsage.clientAuth);
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  const names = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + tenYears),
    signingAlgorithm: signing,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as never);
  return { cert: cert.toString('pem') + '\n', key: pemKey(keyDer as ArrayBuffer) };
}

/** The names the serving certificate must cover. */
export function servingNames(extra: string[] = []): { dnsNames: string[]; ipAddresses: string[] } {
  const dns = new Set(['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const name of extra) {
    if (/^[\d.]+$/.test(name) || name.includes(':')) ips.add(name);
    else dns.add(name);
  }
  return { dnsNames: [...dns], ipAddresses: [...ips] };
}

function certCovers(pem: string, names: { dnsNames: string[]; ipAddresses: string[] }): boolean {
  try {
    const cert = new NodeX509(pem);
    if (Date.parse(cert.validTo) < Date.now() + 24 * 3600_000) return false;
    const san = cert.subjectAltName ?? '';
    return (
      names.dnsNames.every((n) => san.includes(`DNS:${n}`)) &&
      names.ipAddresses.every((ip) => san.includes(`IP Address:${ip === '::1' ? '0:0:0:0:0:0:0:1' : ip}`) || san.includes(`IP Address:${ip}`))
    );
  } catch {
    return false;
  }
}

/**
 * Loads the PKI from dir/pki, creating what is missing. The serving certificate is reissued
 * when it no longer covers the names asked for (a new host name or service IP).
 */
export async function ensurePki(dir: string, extraNames: string[] = []): Promise<ClusterPki> {
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  const paths: CertificatePaths = {
    caCert: join(pki, 'ca.crt'),
    caKey: join(pki, 'ca.key'),
    serverCert: join(pki, 'apiserver.crt'),
    serverKey: join(pki, 'apiserver.key'),
  };
  if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) {
    const ca = await createCa();
    writeFileSync(paths.caKey, ca.key, { mode: 0o600 });
    writeFileSync(paths.caCert, ca.cert);
  }
  const caCertPem = readFileSync(paths.caCert, 'utf8');
  const caKeyPem = readFileSync(paths.caKey, 'utf8');
  const names = servingNames(extraNames);
  if (!existsSync(paths.serverCert) || !existsSync(paths.serverKey) || !certCovers(readFileSync(paths.serverCert, 'utf8'), names)) {
    const leaf = await issueCertificate(caCertPem, caKeyPem, { commonName: 'kube-apiserver', usage: 'server', ...names });
    writeFileSync(paths.serverKey, leaf.key, { mode: 0o600 });
    writeFileSync(paths.serverCert, leaf.cert + caCertPem);
  }
  return {
    caCertPem,
    caKeyPem,
    serverCertPem: readFileSync(paths.serverCert, 'utf8'),
    serverKeyPem: readFileSync(paths.serverKey, 'utf8'),
    paths,
  };
}
