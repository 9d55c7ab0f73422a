// BrokerAuthentication emulation: methods are tried in order and the first one whose credentials the
// client brought decides. X509: the client certificate must chain to the trusted CA (checked by TLS, see server.ts);
// authorizationAttributes come from the first certificate of the chain, leaf first, whose subject matches.
// ServiceAccountToken: MQTT 5 enhanced authentication, method K8S-SAT; the dev broker accepts a JWT-shaped token whose
// `aud` names one of the audiences (it cannot check a cluster's signature). Custom: not emulated, allowed with a warning.
import { X509Certificate } from 'node:crypto';
import type { AuthResult, ConnectRequest } from './mqtt/broker';
import { readDevAttributes } from './dev-attributes';

export const SAT_METHOD = 'K8S-SAT';

export type AuthMethod =
  | { kind: 'X509'; attributes: { name: string; subject: string; attributes: Record<string, string> }[] }
  | { kind: 'ServiceAccountToken'; audiences: string[] }
  | { kind: 'Custom'; endpoint: string };

export interface AuthnConfig {
  name: string;
  methods: AuthMethod[];
  /** Trust anchors for X509 (root and intermediate certificates). */
  trusted: X509Certificate[];
  /** Where the trusted CA came from, for messages. */
  trustSource: string;
  /** Annotations `aio-broker-auth/<k>` of a ServiceAccount in the workspace (namespace/name → attributes). */
  serviceAccountAttributes?: (namespace: string, name: string) => Record<string, string> | undefined;
}

/** Reads the methods of a BrokerAuthentication spec; `warnings` collects what is ignored. */
export function readMethods(spec: unknown, warnings: string[]): AuthMethod[] {
  const out: AuthMethod[] = [];
  const methods = record(spec).authenticationMethods;
  for (const raw of Array.isArray(methods) ? methods : []) {
    const m = record(raw);
    const kind = typeof m.method === 'string' ? m.method.toLowerCase() : '';
    if (kind === 'x509') {
      const attrs = record(record(m.x509Settings).authorizationAttributes);
      const list = Object.entries(attrs)
        .map(([name, v]) => [name, record(v)] as const)
        .filter(([, v]) => typeof v.subject === 'string')
        .map(([name, v]) => ({
          name,
          subject: v.subject as string,
          attributes: Object.fromEntries(Object.entries(record(v.attributes)).map(([k, x]) => [k, String(x)])),
        }));
      out.push({ kind: 'X509', attributes: list });
    } else if (kind === 'serviceaccounttoken') {
      const aud = record(m.serviceAccountTokenSettings).audiences;
      out.push({
        kind: 'ServiceAccountToken',
        audiences: Array.isArray(aud) ? aud.filter((a: unknown): a is string => typeof a === 'string') : [],
      });
    } else if (kind === 'custom') {
      out.push({ kind: 'Custom', endpoint: String(record(m.customSettings).endpoint ?? '?') });
    } else warnings.push(`authentication method '${String(m?.method)}' is unknown and ignored`);
  }
  return out;
}

/** A YAML mapping as a record; anything else (absent, a list, a scalar) as an empty one. */
export function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function authenticator(cfg: AuthnConfig): (req: ConnectRequest) => AuthResult {
  return (req) => {
    const peer = req.transport.tlsSocket?.getPeerX509Certificate?.();
    for (const m of cfg.methods) {
      if (m.kind === 'X509') {
        if (!peer) continue; // no certificate: not this method's credentials
        const sock = req.transport.tlsSocket!;
        if (!sock.authorized) {
          return {
            ok: false,
            reason: 'not-authorized',
            message: `X509: client certificate '${cn(peer)}' rejected: ${String(sock.authorizationError ?? 'not trusted')} (trusted CA: ${cfg.trustSource})`,
          };
        }
        const chain = peerChain(sock, cfg.trusted);
        const attributes: Record<string, string> = {};
        let matched = '';
        for (const c of chain) {
          const entry = m.attributes.find((a) => sameSubject(a.subject, c.subject));
          if (entry) {
            Object.assign(attributes, entry.attributes);
            matched = ` with attributes of '${entry.name}' (${entry.subject})`;
            break;
          }
        }
        const dev = matched ? undefined : readDevAttributes(peer);
        if (dev && Object.keys(dev).length) {
          Object.assign(attributes, dev);
          matched =
            ` with the attributes its dev certificate carries (${Object.entries(dev)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}; ` +
            `AIO takes X509 attributes only from x509Settings.authorizationAttributes, matched by subject)`;
        }
        return {
          ok: true,
          principal: { clientId: req.clientId, username: req.username, attributes },
          note: `X509: certificate '${cn(peer)}' chains to ${cfg.trustSource}${matched}`,
        };
      }
      if (m.kind === 'ServiceAccountToken') {
        if (req.authMethod === undefined) continue;
        if (req.authMethod !== SAT_METHOD) continue;
        const token = req.authData?.toString('utf8') ?? '';
        const v = checkToken(token, m.audiences);
        if (!v.ok) return { ok: false, reason: 'bad-credentials', message: `ServiceAccountToken: ${v.message}` };
        const attributes = (v.namespace && v.name && cfg.serviceAccountAttributes?.(v.namespace, v.name)) || {};
        return {
          ok: true,
          authMethod: SAT_METHOD,
          principal: { clientId: req.clientId, username: req.username, attributes },
          note: `ServiceAccountToken: dev check only (JWT shape, audience '${v.audience}' is one of ${m.audiences.join(', ')}; the signature is not verified)${v.subject ? `, subject ${v.subject}` : ''}`,
        };
      }
      if (m.kind === 'Custom') {
        return {
          ok: true,
          principal: { clientId: req.clientId, username: req.username, attributes: {} },
          note: `Custom authentication (${m.endpoint}) is not emulated by the dev broker: the client is allowed`,
        };
      }
    }
    if (req.authMethod !== undefined && req.authMethod !== SAT_METHOD) {
      return {
        ok: false,
        reason: 'bad-auth-method',
        message: `authentication method '${req.authMethod}' is not supported (only ${SAT_METHOD})`,
      };
    }
    const wants = cfg.methods
      .map((m) =>
        m.kind === 'X509'
          ? 'a client certificate (X509)'
          : m.kind === 'ServiceAccountToken'
            ? `MQTT 5 enhanced authentication with method ${SAT_METHOD} (ServiceAccountToken)`
            : 'Custom',
      )
      .join(' or ');
    return {
      ok: false,
      reason: 'not-authorized',
      message: `BrokerAuthentication '${cfg.name}' needs ${wants || 'a method it does not have'}`,
    };
  };
}

function cn(c: X509Certificate): string {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(c.subject);
  return m ? m[1] : c.subject.replace(/\n/g, ', ');
}

/** The client's chain leaf first, completed with the trusted certificates it did not send. */
function peerChain(sock: import('node:tls').TLSSocket, trusted: X509Certificate[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let c: import('node:tls').DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new X509Certificate(c.raw));
    if (c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  for (let guard = 0; guard < 8 && out.length; guard++) {
    const last = out[out.length - 1];
    if (last.issuer === last.subject) break;
    const up = trusted.find((t) => t.subject === last.issuer && !seen.has(t.fingerprint256));
    if (!up) break;
    seen.add(up.fingerprint256);
    out.push(up);
  }
  return out;
}

/** Distinguished names compared attribute by attribute: `CN = a, O = b` equals node's `CN=a\nO=b`. */
export function normalizeSubject(s: string): string {
  return s
    .split(/\n|,(?=\s*[A-Za-z][A-Za-z0-9.]*\s*=)/)
    .map((part) => {
      const i = part.indexOf('=');
      return i < 0 ? part.trim() : `${part.slice(0, i).trim().toUpperCase()}=${part.slice(i + 1).trim()}`;
    })
    .filter(Boolean)
    .sort()
    .join(',');
}
function sameSubject(a: string, b: string): boolean {
  return normalizeSubject(a) === normalizeSubject(b);
}

export interface TokenCheck {
  ok: boolean;
  message: string;
  audience?: string;
  subject?: string;
  namespace?: string;
  name?: string;
}

/** A JWT's shape, expiry and audience (dev only: no signature check). */
export function checkToken(token: string, audiences: string[]): TokenCheck {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1])
    return { ok: false, message: 'the token is not a JWT (header.payload.signature)' };
  let parsed: unknown;
  try {
    JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    parsed = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, message: 'the token is not a JWT (its header or payload is not base64url JSON)' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, message: 'the token payload is not a JSON object' };
  const payload = parsed as Record<string, unknown>;
  if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now())
    return { ok: false, message: `the token expired at ${new Date(payload.exp * 1000).toISOString()}` };
  const aud: string[] =
    typeof payload.aud === 'string'
      ? [payload.aud]
      : Array.isArray(payload.aud)
        ? payload.aud.filter((a: unknown) => typeof a === 'string')
        : [];
  const hit = aud.find((a) => audiences.includes(a));
  if (!hit)
    return {
      ok: false,
      message: `the token's audience (${aud.join(', ') || 'none'}) is not one of ${audiences.join(', ') || '(no audiences configured)'}`,
    };
  const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
  const m = sub ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub) : null;
  return { ok: true, message: 'ok', audience: hit, subject: sub, namespace: m?.[1], name: m?.[2] };
}
