// BrokerAuthorization emulation: allow-only rules; principals ORed (clientIds, usernames, attribute
// sets); Connect / Publish / Subscribe resources with MQTT filters and {principal.*} substitution; no rules = deny all.
import type { Principal } from './mqtt/broker';
import { covers, matches } from './mqtt/topics';
import { record } from './authn';

export type Action = 'Connect' | 'Publish' | 'Subscribe';

export interface Decision {
  event: 'decision';
  authorization: string;
  action: Action;
  clientId: string;
  username?: string;
  resource?: string;
  /** A will message (authorized when the client connects). */
  will?: boolean;
  allowed: boolean;
  /** Which rule allowed it (index in authorizationPolicies.rules), or why nothing did. */
  reason: string;
  port: number;
}

interface Resource {
  method: Action;
  clientIds: string[];
  topics: string[];
}
interface Rule {
  index: number;
  clientIds: string[];
  usernames: string[];
  attributes: Record<string, string>[];
  resources: Resource[];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** `Connect`/`connect` → `Connect` (the CRD accepts both spellings). */
function method(v: unknown): Action | undefined {
  if (typeof v !== 'string') return undefined;
  const m = v[0]?.toUpperCase() + v.slice(1);
  return m === 'Connect' || m === 'Publish' || m === 'Subscribe' ? m : undefined;
}

export class Authorizer {
  private rules: Rule[] = [];
  readonly notes: string[] = [];

  constructor(
    readonly name: string,
    spec: unknown,
    private onDecision: (d: Decision) => void,
  ) {
    const rules = record(record(spec).authorizationPolicies).rules;
    if (!Array.isArray(rules) || rules.length === 0)
      this.notes.push(
        `BrokerAuthorization '${name}' has no rules: every Connect, Publish and Subscribe is denied (as in AIO)`,
      );
    (Array.isArray(rules) ? rules : []).forEach((raw: unknown, index: number) => {
      const r = record(raw);
      const p = record(r.principals);
      const attributes = (Array.isArray(p.attributes) ? p.attributes : [])
        .filter((a: unknown) => a && typeof a === 'object')
        .map((a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)])));
      const resources: Resource[] = [];
      for (const b of Array.isArray(r.brokerResources) ? r.brokerResources.map(record) : []) {
        const m = method(b.method);
        if (m) resources.push({ method: m, clientIds: strings(b.clientIds), topics: strings(b.topics) });
      }
      if (Array.isArray(r.stateStoreResources) && r.stateStoreResources.length)
        this.notes.push(`rule ${index}: stateStoreResources are not emulated (the dev broker has no state store)`);
      this.rules.push({
        index,
        clientIds: strings(p.clientIds),
        usernames: strings(p.usernames),
        attributes,
        resources,
      });
    });
  }

  connect(p: Principal, port: number): boolean {
    return this.decide('Connect', p, undefined, port);
  }
  publish(p: Principal, topic: string, port: number, will = false): boolean {
    return this.decide('Publish', p, topic, port, will);
  }
  subscribe(p: Principal, filter: string, port: number): boolean {
    return this.decide('Subscribe', p, filter, port);
  }

  private decide(action: Action, p: Principal, resource: string | undefined, port: number, will = false): boolean {
    let reason = 'no rule allows it';
    let allowed = false;
    let principalMatched = false;
    for (const r of this.rules) {
      if (!principalMatches(r, p)) continue;
      principalMatched = true;
      for (const res of r.resources) {
        if (res.method !== action) continue;
        if (resourceMatches(res, action, p, resource)) {
          allowed = true;
          reason = `rule ${r.index} allows it`;
          break;
        }
      }
      if (allowed) break;
    }
    if (!allowed && this.rules.length === 0) reason = 'the policy has no rules (deny all)';
    else if (!allowed && !principalMatched) reason = 'no rule names this principal (clientId, username or attributes)';
    this.onDecision({
      event: 'decision',
      authorization: this.name,
      action,
      clientId: p.clientId,
      username: p.username,
      resource,
      ...(will ? { will } : {}),
      allowed,
      reason,
      port,
    });
    return allowed;
  }
}

function principalMatches(r: Rule, p: Principal): boolean {
  if (r.clientIds.includes(p.clientId)) return true;
  if (p.username !== undefined && r.usernames.includes(p.username)) return true;
  return r.attributes.some(
    (set) => Object.keys(set).length > 0 && Object.entries(set).every(([k, v]) => p.attributes[k] === v),
  );
}

/** Replaces {principal.clientId}, {principal.username}, {principal.attributes.x}; undefined when a value is missing. */
export function substitute(template: string, p: Principal, forTopic: boolean): string | undefined {
  let missing = false;
  const out = template.replace(
    /\{principal\.(clientId|username|attributes\.([^}]+))\}/g,
    (_m, what: string, attr?: string) => {
      const v = what === 'clientId' ? p.clientId : what === 'username' ? p.username : p.attributes[attr!];
      // A value that would add levels or wildcards to a topic cannot stand in for one level.
      if (v === undefined || v === '' || (forTopic && /[/+#]/.test(v))) {
        missing = true;
        return '';
      }
      return v;
    },
  );
  return missing ? undefined : out;
}

function glob(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return re.test(value);
}

function resourceMatches(res: Resource, action: Action, p: Principal, resource: string | undefined): boolean {
  if (action === 'Connect') {
    if (res.clientIds.length === 0) return true;
    return res.clientIds.some((c) => {
      const s = substitute(c, p, false);
      return s !== undefined && glob(s, p.clientId);
    });
  }
  return res.topics.some((t) => {
    const f = substitute(t, p, true);
    if (f === undefined || resource === undefined) return false;
    return action === 'Publish'
      ? matches(f, resource)
      : covers(f, resource.startsWith('$share/') ? resource.split('/').slice(2).join('/') : resource);
  });
}
