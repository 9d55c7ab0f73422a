// From a BrokerListener in the workspace to what the dev broker serves: one local port per listener port, its TLS
// material (dev CA or the Manual Secret / PEM files), its authentication and authorization. Reads the listener and
// what it references through the engine's index (workspace objects first, then AIO's built-ins).
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileSafely } from './safe-write';
import { fileURLToPath } from 'node:url';
import { Workspace, Resource, describe } from '../engine';
import {
  devCa,
  familyOf,
  parseGoDuration,
  parseKeyAlgorithm,
  serverCert,
  serverNames,
  KeyAlgorithm,
  KeyFamily,
} from './certs';
import { checkChain, splitPem } from './chain';
import { AuthnConfig, readMethods, record } from './authn';
import { firstClient, FirstClient } from './first-client';

export interface PortPlan {
  /** The port as written in the listener. */
  listenerPort: number;
  /** The local port (listener port + offset). */
  port: number;
  protocol: 'mqtt' | 'websockets';
  tls?: {
    mode: 'Automatic' | 'Manual';
    certFile?: string;
    certPem: string;
    keyPem: string;
    /** The root clients trust (`--cafile`); unknown for Manual certificates from elsewhere. */
    caFile?: string;
    algorithm?: KeyAlgorithm;
  };
  authn?: AuthnConfig;
  /** The BrokerAuthorization spec and name, when it applies. */
  authz?: { name: string; spec: unknown };
  /** Client CAs the TLS server asks certificates from (X509 authentication). */
  clientCas?: X509Certificate[];
  /** A dev token (JWT-shaped, first audience) for ServiceAccountToken ports, so printed commands work as they are. */
  satTokenFile?: string;
  /** A client the port's policy lets connect and publish (the printed commands use it); none when nothing can. */
  firstClient?: FirstClient;
}

export interface DevBrokerPlan {
  listener: string;
  namespace: string;
  serviceName: string;
  ports: PortPlan[];
  warnings: string[];
}

export interface PlanOptions {
  listener?: string;
  portOffset?: number;
  stateDir: string;
  /** PEM files for TLS Manual ports whose Secret is not in the workspace. */
  manualCert?: string;
  manualKey?: string;
  /** PEM file of client CAs for X509 authentication (overrides the ConfigMap and the dev CA). */
  clientCa?: string;
  /** When several files define the named listener, the one in this file wins. */
  preferUri?: string;
}

export class PlanError extends Error {}

/** The listeners the dev broker can start from the workspace (workspace objects only). */
export function workspaceListeners(ws: Workspace): Resource[] {
  return ws
    .index()
    .listeners()
    .filter((l) => l.origin === 'workspace' && l.name);
}

export function pickListener(ws: Workspace, name?: string, preferUri?: string): Resource {
  const index = ws.index();
  const all = index.listeners().filter((l) => l.name);
  const inWs = all.filter((l) => l.origin === 'workspace');
  if (name) {
    const named = inWs.filter((l) => l.name === name);
    const hit = named.find((l) => l.chunk?.uri === preferUri) ?? named[0] ?? all.find((l) => l.name === name);
    if (!hit)
      throw new PlanError(`no BrokerListener named '${name}' (found: ${inWs.map((l) => l.name).join(', ') || 'none'})`);
    return hit;
  }
  if (inWs.length === 1) return inWs[0];
  if (inWs.length === 0) throw new PlanError('no BrokerListener in the given files');
  throw new PlanError(
    `several BrokerListeners (${inWs.map((l) => l.name).join(', ')}): choose one with --listener NAME`,
  );
}

function secretText(secret: Resource, key: string): string | undefined {
  const v = secret.value;
  if (typeof v.stringData?.[key] === 'string') return v.stringData[key];
  if (typeof v.data?.[key] === 'string') return Buffer.from(v.data[key], 'base64').toString('utf8');
  return undefined;
}

export async function planDevBroker(ws: Workspace, opts: PlanOptions): Promise<DevBrokerPlan> {
  const listener = pickListener(ws, opts.listener, opts.preferUri);
  const index = ws.index();
  const spec = listener.value.spec ?? {};
  const ns = listener.namespace;
  const serviceName = typeof spec.serviceName === 'string' && spec.serviceName ? spec.serviceName : listener.name!;
  const warnings: string[] = [];
  const offset = opts.portOffset ?? 0;
  const ports: PortPlan[] = [];
  const rawPorts: unknown[] = Array.isArray(spec.ports) ? spec.ports : [];
  if (rawPorts.length === 0) throw new PlanError(`${describe(listener)} has no ports`);

  // Engine findings that are errors in the listener's own file: the dev broker starts anyway, but says so.
  const findings = ws.validate().get(listener.chunk?.uri ?? '') ?? [];
  for (const f of findings.filter((x) => x.severity === 'error').slice(0, 20))
    warnings.push(`line ${f.range.start.line + 1}: ${f.message} [${f.code}]`);

  const seen = new Set<number>();
  for (const [i, raw] of rawPorts.entries()) {
    const where = `ports[${i}]`;
    const p = record(raw) as { port: number } & Record<string, unknown>;
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      throw new PlanError(`${where}: port must be a whole number from 1 to 65535`);
    }
    const port = p.port + offset;
    if (port < 1 || port > 65535)
      throw new PlanError(`${where}: port ${p.port} with offset ${offset} is ${port}, outside 1-65535`);
    if (seen.has(port)) throw new PlanError(`${where}: port ${p.port} appears twice`);
    seen.add(port);
    const proto = p.protocol === undefined || p.protocol === null ? 'Mqtt' : String(p.protocol);
    let protocol: 'mqtt' | 'websockets';
    if (proto === 'Mqtt' || proto === 'mqtt') protocol = 'mqtt';
    else if (proto === 'WebSockets' || proto === 'webSockets') protocol = 'websockets';
    else throw new PlanError(`${where}: protocol '${proto}' is neither Mqtt nor WebSockets`);

    const plan: PortPlan = { listenerPort: p.port, port, protocol };
    if (p.tls && typeof p.tls === 'object')
      plan.tls = await portTls(record(p.tls), where, listener, serviceName, opts, warnings, ws);

    // Authentication.
    const authnRef = typeof p.authenticationRef === 'string' && p.authenticationRef ? p.authenticationRef : undefined;
    if (authnRef) {
      const found = index.get('BrokerAuthentication', ns, authnRef)[0];
      if (!found)
        throw new PlanError(`${where}: BrokerAuthentication '${authnRef}' is not in the workspace (namespace ${ns})`);
      const methods = readMethods(found.value.spec, warnings);
      if (methods.length === 0)
        throw new PlanError(`${where}: BrokerAuthentication '${authnRef}' has no usable authentication method`);
      const x509 = methods.find((m) => m.kind === 'X509');
      const fromBuiltin =
        found.origin === 'builtin' ? ' (AIO built-in: ServiceAccountToken, audience aio-internal)' : '';
      let trusted: X509Certificate[] = [];
      let trustSource = '';
      if (x509) {
        if (!plan.tls)
          warnings.push(
            `${where}: X509 authentication needs TLS on the port; clients cannot present certificates here`,
          );
        ({ trusted, trustSource } = await clientTrust(found, ws, opts));
        plan.clientCas = trusted;
      }
      if (methods.some((m) => m.kind === 'Custom'))
        warnings.push(
          `${where}: BrokerAuthentication '${authnRef}' uses Custom authentication, which the dev broker does not emulate: such clients are allowed`,
        );
      const sat = methods.find((m) => m.kind === 'ServiceAccountToken');
      if (sat && sat.kind === 'ServiceAccountToken' && sat.audiences.length)
        plan.satTokenFile = await devToken(opts.stateDir, sat.audiences[0], ns);
      plan.authn = {
        name: authnRef + fromBuiltin,
        methods,
        trusted,
        trustSource,
        serviceAccountAttributes: (sns, name) => {
          const sa = index.get('ServiceAccount', sns, name)[0];
          const ann = sa?.value?.metadata?.annotations ?? {};
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(ann))
            if (k.startsWith('aio-broker-auth/')) out[k.slice('aio-broker-auth/'.length)] = String(v);
          return Object.keys(out).length ? out : undefined;
        },
      };
    }
    const authzRef = typeof p.authorizationRef === 'string' && p.authorizationRef ? p.authorizationRef : undefined;
    if (authzRef) {
      if (!authnRef)
        warnings.push(`${where}: authorizationRef '${authzRef}' is ignored because the port has no authenticationRef`);
      else {
        const found = index.get('BrokerAuthorization', ns, authzRef)[0];
        if (!found)
          throw new PlanError(`${where}: BrokerAuthorization '${authzRef}' is not in the workspace (namespace ${ns})`);
        plan.authz = { name: authzRef, spec: found.value.spec };
      }
    }
    plan.firstClient = firstClient(plan, opts.stateDir);
    if (!plan.firstClient)
      warnings.push(
        `${where}: BrokerAuthorization '${authzRef}' allows no client the dev broker can name to connect and publish (every client will be refused)`,
      );
    ports.push(plan);
  }
  return { listener: listener.name!, namespace: ns, serviceName, ports, warnings };
}

async function portTls(
  tls: Record<string, unknown>,
  where: string,
  listener: Resource,
  serviceName: string,
  opts: PlanOptions,
  warnings: string[],
  ws: Workspace,
): Promise<NonNullable<PortPlan['tls']>> {
  const mode = String(tls.mode ?? '');
  const auto = tls.certManagerCertificateSpec ? record(tls.certManagerCertificateSpec) : undefined,
    manual = tls.manual ? record(tls.manual) : undefined;
  const isAuto = /^automatic$/i.test(mode) ? true : /^manual$/i.test(mode) ? false : undefined;
  if (isAuto === undefined) throw new PlanError(`${where}: tls.mode '${mode}' is neither Automatic nor Manual`);
  if (isAuto) {
    if (!auto || typeof auto !== 'object')
      throw new PlanError(`${where}: tls.mode Automatic needs certManagerCertificateSpec`);
    const rawAlg = record(auto.privateKey).algorithm;
    const algorithm = rawAlg === undefined ? 'Ec256' : parseKeyAlgorithm(rawAlg);
    if (!algorithm)
      throw new PlanError(
        `${where}: privateKey.algorithm '${String(rawAlg)}' is not one of Ec256, Ec384, Ec521, Ed25519, Rsa2048, Rsa4096, Rsa8192`,
      );
    let durationMs = 2160 * 3600e3; // cert-manager's default
    if (auto.duration !== undefined && auto.duration !== null) {
      const d = parseGoDuration(auto.duration);
      if (d === undefined || d < 3600e3)
        warnings.push(`${where}: duration '${String(auto.duration)}' is not a Go duration of at least 1h; using 2160h`);
      else durationMs = d;
    }
    const names = serverNames(serviceName, listener.namespace, record(auto.san));
    for (const s of names.skipped)
      warnings.push(`${where}: SAN '${s}' is not a valid DNS name or IP address and is left out`);
    if (algorithm === 'Ed25519') {
      warnings.push(
        `${where}: Ed25519 server certificate: OpenSSL-based clients (mosquitto_pub, MQTT.js on Node) accept it, but web browsers do not (use Ec256 for browser WebSocket clients)`,
      );
    }
    const cert = await serverCert(opts.stateDir, `${listener.namespace}-${listener.name}-${where.replace(/\W/g, '')}`, {
      algorithm,
      commonName: serviceName,
      dns: names.dns,
      ips: names.ips,
      durationMs,
    });
    return {
      mode: 'Automatic',
      certFile: cert.certFile,
      certPem: cert.chainPem,
      keyPem: cert.keyPem,
      caFile: cert.caFile,
      algorithm,
    };
  }
  if (!manual || typeof manual !== 'object') throw new PlanError(`${where}: tls.mode Manual needs manual.secretRef`);
  const ref = typeof manual.secretRef === 'string' ? manual.secretRef : '';
  let certPem: string | undefined, keyPem: string | undefined, source: string;
  const secret = ref ? ws.index().get('Secret', listener.namespace, ref)[0] : undefined;
  if (secret) {
    if (secret.value.type !== undefined && secret.value.type !== 'kubernetes.io/tls')
      warnings.push(`${where}: Secret '${ref}' has type '${secret.value.type}', not kubernetes.io/tls`);
    certPem = secretText(secret, 'tls.crt');
    keyPem = secretText(secret, 'tls.key');
    source = `Secret '${ref}'`;
    if (!certPem || !keyPem) throw new PlanError(`${where}: Secret '${ref}' lacks tls.crt or tls.key`);
  } else if (opts.manualCert && opts.manualKey) {
    certPem = await fs.readFile(opts.manualCert, 'utf8');
    keyPem = await fs.readFile(opts.manualKey, 'utf8');
    source = `${path.basename(opts.manualCert)} / ${path.basename(opts.manualKey)}`;
  } else {
    throw new PlanError(
      `${where}: Secret '${ref}' (TLS Manual) is not in the workspace; give its PEM files with --tls-cert FILE --tls-key FILE`,
    );
  }
  const report = checkChain(certPem, keyPem);
  if (report.errors.length)
    throw new PlanError(`${where}: the certificate from ${source} cannot be served: ${report.errors.join('; ')}`);
  for (const w of report.warnings) warnings.push(`${where}: ${w}`);
  return { mode: 'Manual', certPem, keyPem, caFile: await caBeside(listener, certPem) };
}

/**
 * A Manual certificate's CA, when a `.crt`/`.pem` file beside the listener's file issued the top of the served chain
 * (as the how-to's root_ca.crt does): then the printed commands have a `--cafile` that works as printed.
 */
async function caBeside(listener: Resource, certPem: string): Promise<string | undefined> {
  const uri = listener.chunk?.uri;
  if (!uri?.startsWith('file:')) return undefined;
  const dir = path.dirname(fileURLToPath(uri));
  const chain = splitPem(certPem).map((p) => new X509Certificate(p));
  const top = chain[chain.length - 1];
  if (!top) return undefined;
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => /\.(crt|pem)$/i.test(n)).slice(0, 20);
  } catch {
    return undefined;
  }
  for (const n of names) {
    try {
      const file = path.join(dir, n);
      if ((await fs.stat(file)).size > 64 * 1024) continue;
      for (const pem of splitPem(await fs.readFile(file, 'utf8'))) {
        const ca = new X509Certificate(pem);
        if (ca.ca && top.checkIssued(ca) && top.verify(ca.publicKey)) return file;
      }
    } catch {
      /* not a certificate */
    }
  }
  return undefined;
}

/** Trust anchors for X509: `--client-ca`, else the ConfigMap `trustedClientCaCert` (default client-ca), else the dev CA. */
async function clientTrust(
  authn: Resource,
  ws: Workspace,
  opts: PlanOptions,
): Promise<{ trusted: X509Certificate[]; trustSource: string }> {
  if (opts.clientCa) {
    const certs = splitPem(await fs.readFile(opts.clientCa, 'utf8')).map((p) => new X509Certificate(p));
    if (!certs.length) throw new PlanError(`--client-ca ${opts.clientCa} holds no PEM certificate`);
    return { trusted: certs, trustSource: path.basename(opts.clientCa) };
  }
  const methods = record(authn.value.spec).authenticationMethods;
  const x = (Array.isArray(methods) ? methods.map(record) : []).find(
    (m) => typeof m.method === 'string' && m.method.toLowerCase() === 'x509',
  );
  const trustedCm = record(x?.x509Settings).trustedClientCaCert;
  const cmName = typeof trustedCm === 'string' ? trustedCm : 'client-ca';
  const cm = ws.index().get('ConfigMap', authn.namespace, cmName)[0];
  if (cm) {
    const pems = Object.values(cm.value.data ?? {})
      .filter((v): v is string => typeof v === 'string')
      .flatMap(splitPem);
    if (pems.length) return { trusted: pems.map((p) => new X509Certificate(p)), trustSource: `ConfigMap '${cmName}'` };
  }
  const trusted: X509Certificate[] = [];
  for (const fam of ['ec', 'rsa', 'ed25519'] as KeyFamily[]) {
    if (fam !== 'ec') {
      try {
        await fs.access(path.join(opts.stateDir, 'ca', fam, 'ca.crt'));
      } catch {
        continue;
      }
    }
    const ca = await devCa(opts.stateDir, fam);
    trusted.push(new X509Certificate(ca.rootPem), new X509Certificate(ca.intermediatePem));
  }
  return { trusted, trustSource: `the dev CA (no ConfigMap '${cmName}' in the workspace)` };
}

/**
 * A JWT-shaped token for `audience` (dev only: unsigned, accepted by the dev broker and by nothing else), kept in the
 * state folder so that the printed mosquitto_pub command for a ServiceAccountToken port runs as printed.
 */
async function devToken(stateDir: string, audience: string, namespace: string): Promise<string> {
  const dir = path.join(stateDir, 'tokens');
  const file = path.join(dir, `${audience.replace(/[^A-Za-z0-9_.-]/g, '_')}.jwt`);
  try {
    await fs.access(file);
    return file;
  } catch {
    /* make it */
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: [audience], sub: `system:serviceaccount:${namespace}:brokerkit-dev-client`, iss: 'brokerkit-dev-broker' })}.${Buffer.from('dev-only').toString('base64url')}`;
  await writeFileSafely(file, token + '\n', 0o600);
  return file;
}

export { familyOf };
