// Throw-away certificates for the TLS rule tests, made with the real openssl CLI in a temporary folder at test time
// (nothing is committed, no real key is ever used). EC P-256 and RSA 2048 CAs, intermediates and server certificates.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp';
import { listenerDoc } from './engine';

export type Alg = 'ec' | 'rsa';

export interface Issued {
  crt: string;
  key: string;
}

export class CertFactory {
  readonly dir = tempDir('brokerkit-tls-');
  private n = 0;

  private run(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private file(name: string): string {
    return join(this.dir, name);
  }

  key(alg: Alg): string {
    const f = this.file(`k${++this.n}.pem`);
    if (alg === 'ec') this.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f]);
    else this.run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f]);
    return readFileSync(f, 'utf8');
  }

  /** A self-signed root CA. */
  root(cn: string, alg: Alg, days = 3650): Issued {
    const key = this.key(alg);
    const k = this.write(key);
    const out = this.file(`c${++this.n}.pem`);
    this.run([
      'req',
      '-x509',
      '-new',
      '-key',
      k,
      '-subj',
      `/CN=${cn}`,
      '-days',
      String(days),
      '-out',
      out,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return { crt: readFileSync(out, 'utf8'), key };
  }

  /** A certificate signed by `issuer`: a CA when `ca`, else a server certificate with the given DNS SANs. */
  issue(
    cn: string,
    alg: Alg,
    issuer: Issued,
    opts: { ca?: boolean; dns?: string[]; days?: number; key?: string } = {},
  ): Issued {
    const key = opts.key ?? this.key(alg);
    const k = this.write(key);
    const csr = this.file(`r${++this.n}.csr`);
    this.run(['req', '-new', '-key', k, '-subj', `/CN=${cn}`, '-out', csr]);
    const ext = opts.ca
      ? 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'
      : `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n${opts.dns?.length ? `subjectAltName=${opts.dns.map((d) => `DNS:${d}`).join(',')}\n` : ''}`;
    const extFile = this.write(ext);
    const out = this.file(`c${++this.n}.pem`);
    this.run([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      this.write(issuer.crt),
      '-CAkey',
      this.write(issuer.key),
      '-set_serial',
      String(1000 + this.n),
      '-days',
      String(opts.days ?? 365),
      '-extfile',
      extFile,
      '-out',
      out,
    ]);
    return { crt: readFileSync(out, 'utf8'), key };
  }

  /** The key in PKCS#8 form encrypted with a passphrase. */
  encrypt(key: string): string {
    const out = this.file(`e${++this.n}.pem`);
    this.run(['pkey', '-in', this.write(key), '-aes256', '-passout', 'pass:example', '-out', out]);
    return readFileSync(out, 'utf8');
  }

  private write(text: string): string {
    const f = this.file(`t${++this.n}.pem`);
    writeFileSync(f, text, { mode: 0o600 });
    return f;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** A Secret document with tls.crt / tls.key under `data` (base64) or `stringData` (block scalars). */
export function secretYaml(
  name: string,
  crt: string | undefined,
  key: string | undefined,
  opts: { type?: string | null; stringData?: boolean; namespace?: string } = {},
): string {
  const type = opts.type === undefined ? 'kubernetes.io/tls' : opts.type;
  const head = `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${opts.namespace ?? 'azure-iot-operations'}
${type === null ? '' : `type: ${type}\n`}`;
  const block = (s: string) =>
    `|\n${s
      .trimEnd()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n`;
  if (opts.stringData) {
    return `${head}stringData:\n${crt !== undefined ? `  tls.crt: ${block(crt)}` : ''}${key !== undefined ? `  tls.key: ${block(key)}` : ''}`;
  }
  return `${head}data:\n${crt !== undefined ? `  tls.crt: ${b64(crt)}\n` : ''}${key !== undefined ? `  tls.key: ${b64(key)}\n` : ''}`;
}

/** A manual-TLS listener on port 8885. */
export function manualListener(
  secretRef: string,
  opts: { name?: string; serviceName?: string | null; namespace?: string; port?: number } = {},
): string {
  const serviceName = opts.serviceName === undefined ? 'mqtts-endpoint' : opts.serviceName;
  return listenerDoc(
    opts.name ?? 'manual-tls-listener',
    `  brokerRef: default
  serviceType: LoadBalancer
${serviceName === null ? '' : `  serviceName: ${serviceName}\n`}  ports:
  - port: ${opts.port ?? 8885}
    authenticationRef: default
    tls:
      mode: Manual
      manual:
        secretRef: ${secretRef}
`,
    opts.namespace,
  );
}

/** The codes of the TLS, issuer, Secret and certificate rules. */
export const TLS_RULE_CODES: ReadonlySet<string> = new Set([
  'duration-invalid',
  'issuer-kind-mismatch',
  'issuer-not-found',
  'issuer-not-ready',
  'quickstart-issuer',
  'san-invalid',
  'secret-name-conflict',
  'tls-cert-expired',
  'tls-chain-order',
  'tls-key-algorithm-mismatch',
  'tls-mode',
  'tls-san-mismatch',
  'tls-san-missing',
  'tls-secret-invalid',
  'tls-secret-not-found',
]);
