// The first connection to a port, worked out from its policy: a client id (and username) that a rule of the
// BrokerAuthorization names, the attributes that rule asks for (carried by a dev client certificate on X509 ports, or
// given by an authorizationAttributes entry whose subject the certificate can have), a topic the rule lets that
// principal publish to and one it may subscribe to. Each is checked with the same Authorizer the port uses, so what is
// printed is what the broker allows.
import * as path from 'node:path';
import { record, type AuthnConfig } from './authn';
import { Authorizer, substitute } from './authz';
import type { Principal } from './mqtt/types';
import { clientsDir } from './state-dir';

export interface FirstClient {
  clientId: string;
  username?: string;
  /** X509 ports: the client certificate to make (`dev-ca client-cert <name> --attribute k=v ...`). */
  cert?: { name: string; attributes: Record<string, string>; certFile: string; keyFile: string };
  publishTopic: string;
  subscribeFilter?: string;
}

const DEFAULT_ID = 'brokerkit-test';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A concrete client id for a Connect pattern (`*` stands for any text). */
function concreteId(pattern: string | undefined): string {
  if (!pattern) return DEFAULT_ID;
  return pattern.replace(/\{[^}]*\}/g, 'dev').replace(/\*/g, 'dev') || DEFAULT_ID;
}

/** A topic a filter matches: `+` → `dev`, a trailing `#` → `test`. */
function concreteTopic(filter: string): string {
  const levels = filter.split('/');
  if (levels[levels.length - 1] === '#') levels[levels.length - 1] = 'test';
  return levels.map((l) => (l === '+' ? 'dev' : l)).join('/');
}

interface Candidate {
  principal: Principal;
  publish: string[];
  subscribe: string[];
}

function candidates(spec: unknown, x509: boolean): Candidate[] {
  const out: Candidate[] = [];
  const rules = record(record(spec).authorizationPolicies).rules;
  for (const raw of Array.isArray(rules) ? rules : []) {
    const r = record(raw);
    const p = record(r.principals);
    const res = (Array.isArray(r.brokerResources) ? r.brokerResources : []).map(record);
    const connectIds = res.filter((b) => /^connect$/i.test(String(b.method))).flatMap((b) => strings(b.clientIds));
    const publish = res.filter((b) => /^publish$/i.test(String(b.method))).flatMap((b) => strings(b.topics));
    const subscribe = res.filter((b) => /^subscribe$/i.test(String(b.method))).flatMap((b) => strings(b.topics));
    const ids = strings(p.clientIds);
    const usernames = strings(p.usernames);
    const attributeSets = (Array.isArray(p.attributes) ? p.attributes : [])
      .map(record)
      .map((a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)])))
      .filter((a) => Object.keys(a).length > 0);
    const clientId = concreteId(ids.find((i) => !i.includes('*')) ?? connectIds[0]);
    if (x509) for (const a of attributeSets) out.push({ principal: { clientId, attributes: a }, publish, subscribe });
    for (const id of ids) out.push({ principal: { clientId: id, attributes: {} }, publish, subscribe });
    for (const u of usernames) out.push({ principal: { clientId, username: u, attributes: {} }, publish, subscribe });
  }
  return out;
}

/** The first connection for a port, or undefined when its policy allows no principal this can mint to publish. */
/** What firstClient reads of a port's plan: its local port, authentication and authorization. */
export interface FirstClientPort {
  port: number;
  authn?: AuthnConfig;
  authz?: { name: string; spec: unknown };
}

export function firstClient(p: FirstClientPort, stateDir: string): FirstClient | undefined {
  const x509 = p.authn?.methods[0]?.kind === 'X509';
  const withCert = (c: Omit<FirstClient, 'cert'>, attributes: Record<string, string>): FirstClient => {
    if (!x509) return c;
    // An authorizationAttributes entry for a bare `CN = name` gives these attributes as AIO would: no extra needed.
    const m = p.authn?.methods[0];
    const entry =
      m?.kind === 'X509'
        ? m.attributes.find(
            (e) =>
              /^\s*CN\s*=\s*[^,=]+$/i.test(e.subject) &&
              Object.entries(attributes).every(([k, v]) => e.attributes[k] === v),
          )
        : undefined;
    const name = entry ? entry.subject.replace(/^\s*CN\s*=\s*/i, '').trim() : c.clientId;
    const base = name.replace(/[^A-Za-z0-9_.-]/g, '_');
    const dir = clientsDir(stateDir);
    return {
      ...c,
      cert: {
        name,
        attributes: entry ? {} : attributes,
        certFile: path.join(dir, `${base}.crt`),
        keyFile: path.join(dir, `${base}.key`),
      },
    };
  };
  if (!p.authz) return withCert({ clientId: DEFAULT_ID, publishTopic: 'test', subscribeFilter: 'test' }, {});
  const az = new Authorizer(p.authz.name, p.authz.spec, () => undefined);
  for (const c of candidates(p.authz.spec, x509)) {
    if (!az.connect(c.principal, p.port)) continue;
    const topic = c.publish
      .map((t) => substitute(t, c.principal, true))
      .filter((t): t is string => t !== undefined)
      .map(concreteTopic)
      .find((t) => az.publish(c.principal, t, p.port));
    if (!topic) continue;
    const filter = c.subscribe
      .map((t) => substitute(t, c.principal, true))
      .filter((t): t is string => t !== undefined)
      .find((f) => az.subscribe(c.principal, f, p.port));
    return withCert(
      {
        clientId: c.principal.clientId,
        username: c.principal.username,
        publishTopic: topic,
        subscribeFilter: filter,
      },
      c.principal.attributes,
    );
  }
  return undefined;
}
