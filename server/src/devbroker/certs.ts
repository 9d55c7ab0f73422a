// The dev broker's certificates: a persistent local CA (root + intermediate, as cert-manager's CA issuer chains
// them), server certificates per port and client certificates, following AIO's certificate settings (privateKey,
// duration, san), one key algorithm per chain, and cert-manager's defaults. Private keys are written 0600 and never
// returned in logs.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, createHash, randomBytes, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileSafely } from './safe-write';
import { isIP } from 'node:net';
import { devAttributeUris } from './dev-attributes';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** AIO's key algorithm enum, lowerCamel spellings accepted as the CRD does. */
export type KeyAlgorithm = 'Ec256' | 'Ec384' | 'Ec521' | 'Ed25519' | 'Rsa2048' | 'Rsa4096' | 'Rsa8192';
export const KEY_ALGORITHMS: KeyAlgorithm[] = ['Ec256', 'Ec384', 'Ec521', 'Ed25519', 'Rsa2048', 'Rsa4096', 'Rsa8192'];
/** A key family: every certificate in one chain uses the same one. */
export type KeyFamily = 'ec' | 'rsa' | 'ed25519';

export function parseKeyAlgorithm(v: unknown): KeyAlgorithm | undefined {
  if (typeof v !== 'string') return undefined;
  return KEY_ALGORITHMS.find((a) => a === v || a[0].toLowerCase() + a.slice(1) === v);
}

export function familyOf(a: KeyAlgorithm): KeyFamily {
  return a.startsWith('Ec') ? 'ec' : a.startsWith('Rsa') ? 'rsa' : 'ed25519';
}

interface AlgSpec {
  gen: EcKeyGenParams | RsaHashedKeyGenParams | Algorithm;
  sign: EcdsaParams | RsaHashedKeyGenParams | Algorithm;
}
function algSpec(a: KeyAlgorithm): AlgSpec {
  switch (a) {
    case 'Ec256':
      return ec('P-256', 'SHA-256');
    case 'Ec384':
      return ec('P-384', 'SHA-384');
    case 'Ec521':
      return ec('P-521', 'SHA-512');
    case 'Ed25519':
      return { gen: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
    default: {
      const bits = Number(a.slice(3));
      const gen = {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: bits,
      };
      return { gen, sign: gen };
    }
  }
}
function ec(curve: string, hash: string): AlgSpec {
  return { gen: { name: 'ECDSA', namedCurve: curve }, sign: { name: 'ECDSA', hash } };
}

/** The CA key algorithm for a family (the root and intermediate of the dev CA). */
const CA_ALGORITHM: Record<KeyFamily, KeyAlgorithm> = { ec: 'Ec256', rsa: 'Rsa2048', ed25519: 'Ed25519' };

async function generate(a: KeyAlgorithm): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(algSpec(a).gen, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyToPem(k: CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', k));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function pemToKey(pem: string, a: KeyAlgorithm): Promise<CryptoKey> {
  const b64 = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  return await subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), algSpec(a).gen, true, ['sign']);
}

/** A positive random serial number (16 bytes, top bit clear). */
function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b.toString('hex');
}

// ---- files -------------------------------------------------------------------------------------------------------

/** Keys: 0600, through writeFileSafely (never written through a planted symlink or someone else's file). */
async function writeSecret(file: string, text: string): Promise<void> {
  await writeFileSafely(file, text, 0o600);
}
/** Certificates are public: 0644, written the same safe way. */
async function writeCert(file: string, text: string): Promise<void> {
  await writeFileSafely(file, text, 0o644);
}
async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

// ---- the dev CA --------------------------------------------------------------------------------------------------

export interface DevCa {
  family: KeyFamily;
  dir: string;
  /** The root certificate clients trust (`--cafile`). */
  caFile: string;
  rootPem: string;
  intermediatePem: string;
  /** Used only in memory to sign; never logged. */
  intermediateKey: CryptoKey;
  intermediate: x509.X509Certificate;
}

const caCache = new Map<string, Promise<DevCa>>();

/**
 * The persistent dev CA of one key family, created once in `<stateDir>/ca/<family>/`. Creation is atomic (a temporary
 * folder renamed into place), so two brokers starting together end up with the same CA.
 */
export function devCa(stateDir: string, family: KeyFamily): Promise<DevCa> {
  const key = `${path.resolve(stateDir)}|${family}`;
  let p = caCache.get(key);
  if (!p) {
    p = loadOrCreateCa(stateDir, family);
    caCache.set(key, p);
    p.catch(() => caCache.delete(key));
  }
  return p;
}

async function loadOrCreateCa(stateDir: string, family: KeyFamily): Promise<DevCa> {
  const dir = path.join(stateDir, 'ca', family);
  if (!(await exists(path.join(dir, 'ca.crt')))) {
    await fs.mkdir(path.join(stateDir, 'ca'), { recursive: true, mode: 0o700 });
    const tmp = path.join(stateDir, 'ca', `.${family}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(tmp, { mode: 0o700 });
    await createCaFiles(tmp, family);
    try {
      await fs.rename(tmp, dir);
    } catch {
      await fs.rm(tmp, { recursive: true, force: true }); // another process won the race: use its CA
    }
  }
  const a = CA_ALGORITHM[family];
  const [rootPem, intermediatePem, keyPem] = await Promise.all([
    fs.readFile(path.join(dir, 'ca.crt'), 'utf8'),
    fs.readFile(path.join(dir, 'intermediate.crt'), 'utf8'),
    fs.readFile(path.join(dir, 'intermediate.key'), 'utf8'),
  ]);
  return {
    family,
    dir,
    caFile: path.join(dir, 'ca.crt'),
    rootPem,
    intermediatePem,
    intermediateKey: await pemToKey(keyPem, a),
    intermediate: new x509.X509Certificate(intermediatePem),
  };
}

async function createCaFiles(dir: string, family: KeyFamily): Promise<void> {
  const a = CA_ALGORITHM[family];
  const sign = algSpec(a).sign;
  const now = Date.now();
  const notBefore = new Date(now - 60 * 60 * 1000);
  const rootKeys = await generate(a);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=BrokerKit Dev Root CA (${family}) - Not for Production, O=BrokerKit`,
    notBefore,
    notAfter: new Date(now + 10 * 365 * 86400e3),
    signingAlgorithm: sign,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const intKeys = await generate(a);
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=BrokerKit Dev Intermediate CA (${family}), O=BrokerKit`,
    issuer: root.subject,
    notBefore,
    notAfter: new Date(now + 5 * 365 * 86400e3),
    signingAlgorithm: sign,
    publicKey: intKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(intKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  await writeCert(path.join(dir, 'ca.crt'), root.toString('pem') + '\n');
  await writeCert(path.join(dir, 'intermediate.crt'), intermediate.toString('pem') + '\n');
  await writeSecret(path.join(dir, 'ca.key'), await keyToPem(rootKeys.privateKey));
  await writeSecret(path.join(dir, 'intermediate.key'), await keyToPem(intKeys.privateKey));
}

// ---- leaf certificates -------------------------------------------------------------------------------------------

export interface LeafRequest {
  algorithm: KeyAlgorithm;
  commonName: string;
  dns: string[];
  ips: string[];
  /** Lifetime in milliseconds. */
  durationMs: number;
  usage: 'server' | 'client';
  /** Client certificates: attributes for the dev broker. */
  attributes?: Record<string, string>;
}

export interface IssuedCert {
  /** Leaf then intermediate (what a TLS server sends, as in a kubernetes.io/tls Secret). */
  chainPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
  caFile: string;
  /** True when a stored certificate was reused. */
  reused: boolean;
}

async function issueLeaf(ca: DevCa, req: LeafRequest): Promise<{ chainPem: string; keyPem: string }> {
  const keys = await generate(req.algorithm);
  const now = Date.now();
  const names: x509.JsonGeneralName[] = [
    ...req.dns.map((value) => ({ type: 'dns' as const, value })),
    ...req.ips.map((value) => ({ type: 'ip' as const, value })),
    ...devAttributeUris(req.attributes ?? {}).map((value) => ({ type: 'url' as const, value })),
  ];
  const ku = req.algorithm.startsWith('Rsa')
    ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
    : x509.KeyUsageFlags.digitalSignature;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(ku, true),
    new x509.ExtendedKeyUsageExtension(
      [req.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(await ca.intermediate.publicKey.export()),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${escapeRdn(req.commonName.slice(0, 64))}`,
    issuer: ca.intermediate.subject,
    notBefore: new Date(now - 5 * 60 * 1000),
    notAfter: new Date(now + req.durationMs),
    signingAlgorithm: algSpec(CA_ALGORITHM[ca.family]).sign,
    publicKey: keys.publicKey,
    signingKey: ca.intermediateKey,
    extensions,
  });
  return { chainPem: cert.toString('pem') + '\n' + ca.intermediatePem, keyPem: await keyToPem(keys.privateKey) };
}

function escapeRdn(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1');
}

/**
 * The server certificate of one port, kept in `<stateDir>/servers/<id>/` and reused while its parameters are the same
 * and less than two thirds of its lifetime has passed (cert-manager's default renewal point).
 */
export async function serverCert(stateDir: string, id: string, req: Omit<LeafRequest, 'usage'>): Promise<IssuedCert> {
  const ca = await devCa(stateDir, familyOf(req.algorithm));
  const dir = path.join(stateDir, 'servers', id.replace(/[^A-Za-z0-9_.-]/g, '_'));
  const certFile = path.join(dir, 'tls.crt');
  const keyFile = path.join(dir, 'tls.key');
  const want = createHash('sha256')
    .update(JSON.stringify({ ...req, dns: [...req.dns].sort(), ips: [...req.ips].sort(), ca: ca.intermediatePem }))
    .digest('hex');
  try {
    const [meta, chainPem, keyPem] = await Promise.all([
      fs.readFile(path.join(dir, 'params.json'), 'utf8'),
      fs.readFile(certFile, 'utf8'),
      fs.readFile(keyFile, 'utf8'),
    ]);
    const m = JSON.parse(meta) as { hash: string };
    const leaf = new X509Certificate(chainPem);
    const from = Date.parse(leaf.validFrom),
      to = Date.parse(leaf.validTo);
    if (m.hash === want && Date.now() < from + ((to - from) * 2) / 3)
      return { chainPem, keyPem, certFile, keyFile, caFile: ca.caFile, reused: true };
  } catch {
    /* not there yet, or unreadable: issue a new one */
  }
  const { chainPem, keyPem } = await issueLeaf(ca, { ...req, usage: 'server' });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await writeCert(certFile, chainPem);
  await writeSecret(keyFile, keyPem);
  await writeCert(
    path.join(dir, 'params.json'),
    JSON.stringify({ hash: want, algorithm: req.algorithm, dns: req.dns, ips: req.ips }, null, 2) + '\n',
  );
  return { chainPem, keyPem, certFile, keyFile, caFile: ca.caFile, reused: false };
}

/** A client certificate signed by the dev CA, written to `outDir` as `<name>.crt` (leaf + intermediate) and `<name>.key`. */
export async function clientCert(
  stateDir: string,
  opts: {
    name: string;
    algorithm?: KeyAlgorithm;
    outDir: string;
    days?: number;
    /** Attributes for the dev broker (see dev-attributes.ts). */
    attributes?: Record<string, string>;
  },
): Promise<IssuedCert> {
  const algorithm = opts.algorithm ?? 'Ec256';
  const ca = await devCa(stateDir, familyOf(algorithm));
  const { chainPem, keyPem } = await issueLeaf(ca, {
    algorithm,
    commonName: opts.name,
    dns: [],
    ips: [],
    durationMs: (opts.days ?? 30) * 86400e3,
    usage: 'client',
    attributes: opts.attributes,
  });
  const base = opts.name.replace(/[^A-Za-z0-9_.-]/g, '_');
  await fs.mkdir(opts.outDir, { recursive: true });
  const certFile = path.join(opts.outDir, `${base}.crt`);
  const keyFile = path.join(opts.outDir, `${base}.key`);
  await writeCert(certFile, chainPem);
  await writeSecret(keyFile, keyPem);
  return { chainPem, keyPem, certFile, keyFile, caFile: ca.caFile, reused: false };
}

/** Copies the dev CA's root certificate (never a key) to `outFile`. */
export async function exportCa(stateDir: string, family: KeyFamily, outFile: string): Promise<string> {
  const ca = await devCa(stateDir, family);
  await writeCert(outFile, ca.rootPem);
  return outFile;
}

// ---- names -------------------------------------------------------------------------------------------------------

/** SANs of a port's server certificate: the listener's san.dns/san.ip, the service name, and the loopback names. */
export function serverNames(
  serviceName: string,
  namespace: string,
  san: { dns?: unknown; ip?: unknown } | undefined,
): { dns: string[]; ips: string[]; skipped: string[] } {
  const dns = new Set<string>(),
    ips = new Set<string>(),
    skipped: string[] = [];
  const addDns = (d: string) => {
    if (/^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(d))
      dns.add(d);
    else skipped.push(d);
  };
  for (const d of Array.isArray(san?.dns) ? san!.dns : [])
    if (typeof d === 'string') {
      if (isIP(d)) ips.add(d);
      else addDns(d);
    }
  for (const i of Array.isArray(san?.ip) ? san!.ip : [])
    if (typeof i === 'string') {
      if (isIP(i)) ips.add(i);
      else skipped.push(i);
    }
  if (serviceName) {
    addDns(serviceName);
    if (namespace) {
      addDns(`${serviceName}.${namespace}`);
      addDns(`${serviceName}.${namespace}.svc`);
      addDns(`${serviceName}.${namespace}.svc.cluster.local`);
    }
  }
  dns.add('localhost');
  ips.add('127.0.0.1');
  ips.add('::1');
  return { dns: [...dns], ips: [...ips], skipped };
}

/** Go duration text to milliseconds; undefined when it is not one. */
export function parseGoDuration(s: unknown): number | undefined {
  if (typeof s !== 'string' || !/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
  let total = 0;
  for (const m of s.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]];
  return total;
}
