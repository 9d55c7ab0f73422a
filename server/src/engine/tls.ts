// Pure helpers for the TLS and certificate rules: Go durations, IP and DNS syntax, and what a
// TLS Secret holds. Certificates are read with node's own X509Certificate; nothing here
// does I/O. Key material never leaves this module: only facts about it (present, readable, matches) do.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isMap } from './values';

// ---------------------------------------------------------------------------------------------------------------
// Go durations (time.ParseDuration)

const GO_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const GO_PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Seconds, or undefined when `text` is not a Go duration (Go accepts a sign, and a bare `0`). */
export function parseGoDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  while (s.length) {
    const m = GO_PART.exec(s);
    if (!m) return undefined;
    total += parseFloat(m[1]) * GO_UNITS[m[2]];
    s = s.slice(m[0].length);
  }
  return sign * total;
}

const HUMAN_UNITS: [RegExp, number][] = [
  [/^(?:y|yr|yrs|year|years)$/i, 365 * 86400],
  [/^(?:w|wk|wks|week|weeks)$/i, 7 * 86400],
  [/^(?:d|day|days)$/i, 86400],
  [/^(?:h|hr|hrs|hour|hours)$/i, 3600],
  [/^(?:m|min|mins|minute|minutes)$/i, 60],
  [/^(?:s|sec|secs|second|seconds)$/i, 1],
];

/**
 * Reads durations people write instead of Go's (`90d`, `30 days`, `1 week`, `240H`, `P90D`) and returns seconds,
 * or undefined when the text is ambiguous (months, no unit) or not a duration at all.
 */
export function parseHumanDuration(text: string): number | undefined {
  const t = text.trim();
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(t);
  if (iso && t.length > 1 && !/T$/i.test(t)) {
    const [w, d, h, m, s] = iso.slice(1).map((x) => (x ? parseInt(x, 10) : 0));
    return (((w * 7 + d) * 24 + h) * 60 + m) * 60 + s;
  }
  const re = /(\d+(?:\.\d+)?)\s*([a-zµμ]+)/gi;
  let total = 0;
  let matched = '';
  let any = false;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m[2] === 'M') return undefined; // months or minutes: ambiguous
    const unit = HUMAN_UNITS.find(([u]) => u.test(m![2]));
    if (!unit) return undefined;
    total += parseFloat(m[1]) * unit[1];
    matched += m[0];
    any = true;
  }
  if (!any) return undefined;
  // Everything else must be separators (spaces, commas, "and").
  const rest = t
    .replace(re, '')
    .replace(/\band\b/gi, '')
    .replace(/[\s,]+/g, '');
  return rest === '' && matched ? total : undefined;
}

/** Go's spelling of a whole number of seconds, in hours where possible: 7776000 -> `2160h`, 5400 -> `1h30m`. */
export function formatGoDuration(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds <= 0 || Math.round(seconds) !== seconds) return undefined;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses and names

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

export function isIPv6(s: string): boolean {
  let t = s;
  if (t.includes('.')) {
    const i = t.lastIndexOf(':');
    if (i < 0 || !isIPv4(t.slice(i + 1))) return false;
    t = `${t.slice(0, i + 1)}0:0`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const a = groups(halves[0]);
  const b = halves.length === 2 ? groups(halves[1]) : [];
  if (![...a, ...b].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const n = a.length + b.length;
  return halves.length === 2 ? n <= 7 : n === 8;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

const LABEL = /^[A-Za-z0-9](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

/** A DNS name as a certificate SAN: labels of letters, digits and inner hyphens; `*.` allowed as the first label. */
export function isDnsName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.split('.');
  return labels.every((l, i) => (i === 0 && l === '*' && labels.length > 1) || LABEL.test(l));
}

/** True when `pattern` (a DNS SAN, possibly `*.x`) matches `host` the way TLS clients match it (RFC 6125). */
export function dnsMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

// ---------------------------------------------------------------------------------------------------------------
// Certificates in a Secret

export type KeyFamily = 'EC' | 'RSA' | 'EdDSA' | 'DSA' | 'unknown';

export interface CertInfo {
  /** Subject common name when there is one, else the whole subject (certificates are public data). */
  readonly label: string;
  readonly ca: boolean;
  readonly keyFamily: KeyFamily;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
  readonly x509: X509Certificate;
}

export interface ChainFacts {
  readonly certs: CertInfo[];
  /** Index of the server (leaf) certificate: the one that issued none of the others, preferring a non-CA. */
  readonly leaf: number;
  /** For each certificate, the index of its issuer in the bundle (-1: not in the bundle or self-signed). */
  readonly issuer: number[];
}

export interface KeyField {
  /** Which map holds it (`stringData` wins over `data`, as in Kubernetes). */
  readonly source: 'data' | 'stringData';
  /** Why it cannot be used, when it cannot (a fixed sentence: never the content). */
  readonly problem?: string;
}

export interface SecretTls {
  readonly type: string | undefined;
  /** False for cluster facts that carry no `data` at all (nothing to judge about keys). */
  readonly hasData: boolean;
  readonly crt?: KeyField & { readonly chain?: ChainFacts };
  readonly key?: KeyField & { readonly matchesLeaf?: boolean };
}

const cache = new WeakMap<object, SecretTls>();

/**
 * What a Secret's `tls.crt` / `tls.key` hold, computed once per Secret object: workspace objects keep their value
 * object as long as their document text is unchanged, cluster facts as long as the facts are not replaced.
 */
export function secretTls(value: Record<string, any>): SecretTls {
  let r = cache.get(value);
  if (!r) {
    r = readSecret(value);
    cache.set(value, r);
  }
  return r;
}

/** Values written by templating tools (Terraform/envsubst `${...}`, Helm `{{ ... }}`, `<PLACEHOLDER>`) are not judged. */
const PLACEHOLDER = /\$\{[^}]*\}|\{\{.*\}\}|^\s*<[^<>]+>\s*$/;

/** True for a template placeholder instead of a real value (docs' `<SECRET_NAME>`, `${var}`, `{{ .Values.x }}`). */
export function isPlaceholder(text: string): boolean {
  return PLACEHOLDER.test(text);
}

function readSecret(v: Record<string, any>): SecretTls {
  const type = typeof v.type === 'string' ? v.type : undefined;
  const data = isMap(v.data) ? v.data : undefined;
  const stringData = isMap(v.stringData) ? v.stringData : undefined;
  const hasData = !!data || !!stringData;
  const field = (name: string): { source: 'data' | 'stringData'; text?: string; problem?: string } | undefined => {
    if (stringData && name in stringData) {
      const x = stringData[name];
      if (typeof x === 'string' && PLACEHOLDER.test(x)) return { source: 'stringData' };
      return typeof x === 'string'
        ? { source: 'stringData', text: x }
        : { source: 'stringData', problem: `stringData['${name}'] is not a string` };
    }
    if (data && name in data) {
      const x = data[name];
      if (typeof x === 'string' && PLACEHOLDER.test(x)) return { source: 'data' };
      if (typeof x !== 'string') return { source: 'data', problem: `data['${name}'] is not a base64 string` };
      const b64 = x.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
        return {
          source: 'data',
          problem: `data['${name}'] is not valid base64 (values under data are base64-encoded; put plain PEM under stringData instead)`,
        };
      }
      return { source: 'data', text: Buffer.from(b64, 'base64').toString('latin1') };
    }
    return undefined;
  };
  const c = field('tls.crt');
  const k = field('tls.key');
  let crt: SecretTls['crt'];
  let leafX509: X509Certificate | undefined;
  if (c) {
    // No text and no problem: a template placeholder, filled in later; nothing to judge.
    if (c.problem !== undefined || c.text === undefined) crt = { source: c.source, problem: c.problem };
    else {
      const r = readChain(c.text);
      crt = { source: c.source, problem: r.problem, chain: r.chain };
      if (r.chain) leafX509 = r.chain.certs[r.chain.leaf].x509;
    }
  }
  let key: SecretTls['key'];
  if (k) {
    if (k.problem !== undefined || k.text === undefined) key = { source: k.source, problem: k.problem };
    else key = { source: k.source, ...readKey(k.text, leafX509) };
  }
  return { type, hasData, crt, key };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function pemBlocks(text: string): { label: string; pem: string }[] {
  const out: { label: string; pem: string }[] = [];
  PEM_BLOCK.lastIndex = 0;
  for (let m = PEM_BLOCK.exec(text); m; m = PEM_BLOCK.exec(text)) out.push({ label: m[1], pem: m[0] });
  return out;
}

/** The certificates of a PEM bundle (`tls.crt`), or why it cannot be used. Shared with the dev broker (devbroker/chain.ts). */
export function readChain(text: string): { problem?: string; chain?: ChainFacts } {
  const blocks = pemBlocks(text);
  if (blocks.some((b) => /PRIVATE KEY/.test(b.label))) {
    return {
      problem:
        'tls.crt contains a private key block; tls.crt must hold only certificates (keep the key in tls.key alone)',
    };
  }
  const certBlocks = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certBlocks.length === 0) {
    return {
      problem:
        text.trim() === ''
          ? 'tls.crt is empty'
          : 'tls.crt holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----" blocks)',
    };
  }
  const certs: CertInfo[] = [];
  for (let i = 0; i < certBlocks.length; i++) {
    let x: X509Certificate;
    try {
      x = new X509Certificate(certBlocks[i].pem);
    } catch {
      return { problem: `certificate ${i + 1} of ${certBlocks.length} in tls.crt cannot be read (damaged PEM)` };
    }
    certs.push(info(x));
  }
  return { chain: analyse(certs) };
}

function info(x: X509Certificate): CertInfo {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1];
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const part of splitSan(x.subjectAltName ?? '')) {
    if (part.startsWith('DNS:')) dnsNames.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ipAddresses.push(part.slice(11));
  }
  let keyFamily: KeyFamily = 'unknown';
  try {
    const t = x.publicKey.asymmetricKeyType;
    keyFamily =
      t === 'ec'
        ? 'EC'
        : t === 'rsa' || t === 'rsa-pss'
          ? 'RSA'
          : t === 'ed25519' || t === 'ed448'
            ? 'EdDSA'
            : t === 'dsa'
              ? 'DSA'
              : 'unknown';
  } catch {
    /* an unsupported key type stays unknown */
  }
  return {
    label: cn ? `CN=${cn}` : x.subject.replace(/\n/g, ', ') || '(no subject)',
    ca: x.ca,
    keyFamily,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    dnsNames,
    ipAddresses,
    x509: x,
  };
}

/** node prints SANs as `DNS:a, DNS:b, IP Address:1.2.3.4`; names with commas come quoted. */
function splitSan(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') {
      quoted = !quoted;
      continue;
    }
    if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function analyse(certs: CertInfo[]): ChainFacts {
  const n = certs.length;
  const issuer = certs.map((c, i) => {
    for (let j = 0; j < n; j++) if (j !== i && safeIssued(c.x509, certs[j].x509)) return j;
    return -1;
  });
  const issuesOther = certs.map((_, i) => issuer.some((p, j) => j !== i && p === i));
  let leaf = certs.findIndex((c, i) => !issuesOther[i] && !c.ca);
  if (leaf < 0) leaf = issuesOther.findIndex((x) => !x);
  if (leaf < 0) leaf = 0;
  return { certs, leaf, issuer };
}

function safeIssued(cert: X509Certificate, by: X509Certificate): boolean {
  try {
    return cert.checkIssued(by);
  } catch {
    return false;
  }
}

/** A PEM private key (`tls.key`) and whether it belongs to `leaf`, or why it cannot be used. Never returns the key. */
export function readKey(text: string, leaf: X509Certificate | undefined): { problem?: string; matchesLeaf?: boolean } {
  const blocks = pemBlocks(text);
  if (blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(b.pem))) {
    return { problem: 'tls.key is encrypted with a passphrase; the broker needs an unencrypted PEM key' };
  }
  const keyBlocks = blocks.filter((b) => /PRIVATE KEY$/.test(b.label));
  if (keyBlocks.length === 0)
    return { problem: text.trim() === '' ? 'tls.key is empty' : 'tls.key holds no PEM private key' };
  if (keyBlocks.length > 1)
    return { problem: "tls.key holds more than one private key; keep only the server certificate's key" };
  try {
    const k = createPrivateKey(keyBlocks[0].pem);
    if (!leaf) return {};
    let matches: boolean;
    try {
      matches = leaf.checkPrivateKey(k);
    } catch {
      matches = false;
    }
    return { matchesLeaf: matches };
  } catch {
    return { problem: 'tls.key cannot be read as a private key (damaged PEM)' };
  }
}
