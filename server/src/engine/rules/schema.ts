// What the API server rejects when the object is applied, judged with the schemas
// derived from the real CRDs (schemas/*.json): wrong type, missing required field, a value outside the CRD enum
// (case-sensitive: `ClusterIP`, `Websockets`, `MQTT`, `ECDSA` in a BrokerListener), a number outside its range
// (port above 65535), `tls` with both or neither option, and unknown fields (kubectl's default strict field
// validation fails the request with "strict decoding error: unknown field"). Explicit nulls are pruned first, as
// the API server does: `tls:` with no value means "no TLS" and is fine.
//
// Judged: AIO objects (mqttbroker.iotoperations.azure.com v1, and v1beta1 against the v1 schema), cert-manager v1
// Issuer/ClusterIssuer/Certificate (their own spellings: `ECDSA` is valid there) and Secrets of type
// kubernetes.io/tls. Everything else (Deployments, Services, unknown kinds, the legacy mq group) is never judged.
//
// Severity: error, except unknown fields on v1beta1 objects (warning: later AIO releases serve a v1beta1 with extra
// preview fields that our v1 schema cannot know) and on cert-manager objects (warning: the schemas are cert-manager
// v1.13.1's, the version AIO 1.0 installs; newer cert-manager releases added fields). Unknown fields on AIO v1 are
// errors because `kubectl apply` — what the AIO how-tos use — fails on them; with other clients the field is
// silently dropped, which is no better.
// Legacy fields (legacy.ts) are left to `legacy-field`, which says what replaced them.
//
// Finding `data` (quick fixes):
//   replace: string       the corrected text for the finding's range: the right enum spelling (`ClusterIp`,
//                         `WebSockets`, `Mqtt`, `Ec384`, ...), the number without quotes for `port: "1883"`, or the
//                         known field name for a misspelt key.
//   deleteRange: Range    only with an algorithm fix that folds cert-manager's `size` into the AIO algorithm
//                         (`algorithm: ECDSA` + `size: 384` → `Ec384`): the `size` entry to delete (its whole line
//                         in block style, or the entry and one comma in flow style).
//   sizeRange: Range      the same case: the `size: 384` text itself (key to end of value).
import { DataSpan, type DocumentRule, type Report, type RelatedReport, type DocumentContext } from '../rule';
import type { Resource } from '../resources';
import { AIO_GROUP } from '../resources';
import { judgingSchema, validateAgainst, fieldPath, SchemaIssue, IssuePath, SchemaKey } from '../schema';
import { legacyFieldAt } from '../legacy';
import { aioAlgorithm, closestAllowed, documentedValues } from '../spelling';
import { firstKeySpan, pairDeletion, pairSpan } from '../yaml-ranges';

const REJECT = 'The API server rejects this: ';

const rule: DocumentRule = {
  scope: 'document',
  code: 'schema',
  severity: 'error',
  title:
    'The API server would reject the object: wrong type, missing required field, value outside the CRD enum or range, `tls` without exactly one of its two options, or a field the CRD does not have.',
  sources: [
    'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/',
    'https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
  ],
  applies: (r) => judgingSchema(r.apiVersion, r.kind, r.value) !== undefined,
  check(r, ctx) {
    const key = judgingSchema(r.apiVersion, r.kind, r.value);
    if (!key) return;
    const issues = validateAgainst(key, r.value);
    if (!issues.length) return;
    const preview = r.group === AIO_GROUP && r.version !== 'v1';
    // required + oneOf at the same object become one finding ("needs `mode` and exactly one of ...").
    const objects = new Map<
      string,
      {
        path: IssuePath;
        required?: Extract<SchemaIssue, { kind: 'required' }>;
        oneOf?: Extract<SchemaIssue, { kind: 'oneOf' }>;
      }
    >();
    for (const issue of issues) {
      switch (issue.kind) {
        case 'type':
          ctx.report(typeReport(r, issue));
          break;
        case 'enum':
          ctx.report(enumReport(r, key, issue));
          break;
        case 'range':
          ctx.report(rangeReport(issue));
          break;
        case 'unknown': {
          if (legacyFieldAt(r.kind, issue.path)) break; // legacy-field explains it
          if (preview && isPreviewOnly(r.kind, issue.path)) break; // a v1beta1 field the v1 schema lacks
          ctx.report(unknownReport(r, issue, preview));
          break;
        }
        case 'required':
        case 'oneOf': {
          const k = JSON.stringify(issue.path);
          const o = objects.get(k) ?? { path: issue.path };
          if (issue.kind === 'required') o.required = issue;
          else o.oneOf = issue;
          objects.set(k, o);
          break;
        }
        default:
          ctx.report({ path: issue.path, message: `${REJECT}\`${fieldPath(issue.path)}\` ${issue.message}.` });
      }
    }
    for (const o of objects.values()) reportObject(r, key, o, ctx);
  },
};
export default rule;

// ---------------------------------------------------------------------------------------------------------------

function name(path: IssuePath, r: Resource): string {
  return path.length ? fieldPath(path) : r.kind;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

const ARTICLE: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value pairs)',
  array: 'a list (items written with `- `)',
};

function typeReport(r: Resource, issue: Extract<SchemaIssue, { kind: 'type' }>): Report {
  const want = issue.expected.filter((t) => t !== 'null');
  const v = issue.value;
  let fix = '';
  let replace: string | undefined;
  if (want.includes('integer') && typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) {
    replace = v.trim();
    fix = ` Write it without quotes: ${replace}.`;
  } else if (want.includes('boolean') && typeof v === 'string' && /^(true|false)$/i.test(v.trim())) {
    replace = v.trim().toLowerCase();
    fix = ` Write it without quotes: ${replace}.`;
  } else if (want.includes('string') && (typeof v === 'number' || typeof v === 'boolean')) {
    replace = JSON.stringify(String(v));
    fix = ` Quote it: ${replace}.`;
  }
  // A mapping or list in the wrong place spans many lines: point at its key instead.
  const collection = v !== null && typeof v === 'object' && typeof issue.path[issue.path.length - 1] === 'string';
  const report: Report = {
    path: issue.path,
    key: collection || undefined,
    message: `${REJECT}\`${name(issue.path, r)}\` must be ${want.map((t) => ARTICLE[t] ?? t).join(' or ')}, but it is ${describeValue(v)}.${fix}`,
  };
  if (replace !== undefined) report.data = { replace };
  return report;
}

function enumReport(r: Resource, key: SchemaKey, issue: Extract<SchemaIssue, { kind: 'enum' }>): Report {
  const path = issue.path;
  const field = String(path[path.length - 1]);
  const v = issue.value;
  const documented = documentedValues(issue.allowed);
  const strings = issue.allowed.filter((a): a is string => typeof a === 'string');
  const lowerTwins = strings.length > documented.length;
  const allowedText =
    documented.map((a) => `\`${a}\``).join(', ') +
    (lowerTwins
      ? ' (their lowerCamel forms, e.g. `' + strings.find((s) => !documented.includes(s)) + '`, are accepted too)'
      : '');
  const data: Record<string, unknown> = {};
  let advice = '';
  // cert-manager style key algorithm in an AIO object: ECDSA + size 384 → Ec384.
  const parent = path.slice(0, -1);
  const isAioAlgorithm =
    field === 'algorithm' && parent[parent.length - 1] === 'privateKey' && strings.includes('Ec256');
  if (isAioAlgorithm) {
    const pk = valueAt(r.value, parent) as Record<string, unknown> | undefined;
    const mapped = aioAlgorithm(v, pk?.size);
    if (mapped) {
      data.replace = mapped.value;
      const doc = r.chunk?.parse.doc;
      if (mapped.usesSize && doc) {
        const sizePath = [...parent, 'size'];
        const span = pairSpan(doc, sizePath);
        const del = pairDeletion(r.chunk!.parse.text, doc, sizePath) ?? span;
        if (del) data.deleteRange = new DataSpan(del.start, del.end);
        if (span) data.sizeRange = new DataSpan(span.start, span.end);
      }
      advice = ` \`${String(v)}\`${mapped.usesSize ? ` with \`size: ${String(pk?.size)}\`` : ''} is cert-manager's spelling; AIO names the key size in the algorithm. Use \`${mapped.value}\`${mapped.usesSize ? ' and remove `size`' : ''}.`;
    } else if (typeof v === 'string' && /^(ecdsa|ec|ecc|rsa)$/i.test(v.trim())) {
      advice = ` \`${v}\` is cert-manager's spelling, and this \`size\` has no AIO equivalent; AIO names the key size in the algorithm.`;
    }
  }
  if (data.replace === undefined) {
    const best = closestAllowed(v, issue.allowed);
    if (best !== undefined) {
      data.replace = best;
      const k8s = v === 'ClusterIP' ? " (AIO writes `ClusterIp`, not Kubernetes' `ClusterIP`)" : '';
      advice ||= ` Use \`${best}\`${k8s}.`;
    }
  }
  const certManager = key === 'Certificate' || key === 'Issuer' || key === 'ClusterIssuer';
  const message = `${REJECT}\`${field}: ${show(v)}\` is not an allowed value${certManager ? ' for cert-manager' : ''}; values are case-sensitive: ${allowedText}.${advice}`;
  const report: Report = { path, message };
  if (Object.keys(data).length) report.data = data;
  return report;
}

function rangeReport(issue: Extract<SchemaIssue, { kind: 'range' }>): Report {
  const field = fieldPath(issue.path);
  const n = issue.limit;
  const phrase: Record<string, string> = {
    minimum: `at least ${n}`,
    maximum: `at most ${n}`,
    exclusiveMinimum: `more than ${n}`,
    exclusiveMaximum: `less than ${n}`,
    minLength: `at least ${n} characters long`,
    maxLength: `at most ${n} characters long`,
    minItems: `a list of at least ${n} items`,
    maxItems: `a list of at most ${n} items`,
    minProperties: `a mapping with at least ${n} keys`,
    maxProperties: `a mapping with at most ${n} keys`,
  };
  const last = issue.path[issue.path.length - 1];
  const hint =
    last === 'port'
      ? ' Use a TCP port from 1 to 65535.'
      : last === 'nodePort'
        ? ' Node ports must be 30000-32767.'
        : '';
  return {
    path: issue.path,
    message: `${REJECT}\`${field}\` must be ${phrase[issue.bound] ?? `within ${n}`}; it is ${show(issue.value)}.${hint}`,
  };
}

/** `x509Settings.additionalValidation` exists in v1beta1 (later AIO releases) but not in v1. */
function isPreviewOnly(kind: string, path: IssuePath): boolean {
  return (
    kind === 'BrokerAuthentication' &&
    pattern(path) === 'spec.authenticationMethods[].x509Settings.additionalValidation'
  );
}

function unknownReport(r: Resource, issue: Extract<SchemaIssue, { kind: 'unknown' }>, preview: boolean): Report {
  const field = fieldPath(issue.path);
  if (isPreviewOnly(r.kind, issue.path)) {
    return {
      path: issue.path,
      key: true,
      message: `${REJECT}\`additionalValidation\` exists only in the preview API: v1 has no such field (strict decoding error: unknown field "${field}"). Use apiVersion ${AIO_GROUP}/v1beta1 on an AIO release that serves it, or remove the field.`,
    };
  }
  const key = String(issue.path[issue.path.length - 1]);
  const best = closestKey(key, issue.known);
  const where = issue.path.length > 1 ? `\`${fieldPath(issue.path.slice(0, -1))}\`` : `a ${r.kind}`;
  const advice = best ? ` Did you mean \`${best}\`?` : ' Remove it.';
  const certManager = r.kind === 'Certificate' || r.kind === 'Issuer' || r.kind === 'ClusterIssuer';
  const report: Report = {
    path: issue.path,
    key: true,
    message: preview
      ? `\`${key}\` is not a field of ${where} in ${r.apiVersion} as BrokerKit knows it (its published schema is v1's, the version AIO 1.0 serves, whose API server rejects the field: strict decoding error: unknown field "${field}"). If an AIO release serving ${r.version} has this field, ignore this.${advice}`
      : certManager
        ? `\`${key}\` is not a field of ${where} in cert-manager v1.13 (the version AIO 1.0 installs), whose API server rejects it (strict decoding error: unknown field "${field}"). If your cert-manager is newer, check that it has this field.${advice}`
        : `${REJECT}${where} has no field \`${key}\` — kubectl apply fails with 'strict decoding error: unknown field "${field}"' (other clients silently drop it).${advice}`,
  };
  if (preview || certManager) report.severity = 'warning';
  if (best) report.data = { replace: best };
  return report;
}

/** A known key the unknown one was probably meant to be: a near spelling, or the one key it is the start of. */
function closestKey(key: string, known: string[]): string | undefined {
  const near = closestAllowed(key, known);
  if (near) return near;
  const k = key.toLowerCase();
  if (k.length < 4) return undefined;
  const prefixed = known.filter((x) => x.toLowerCase().startsWith(k));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

// Examples for the usual missing fields, keyed by kind and field path pattern (array indexes as []).
const REQUIRED_HINTS: Record<string, string> = {
  'BrokerListener:spec': 'Add a `spec` with at least `ports`.',
  'BrokerListener:spec.ports': 'List the ports, e.g. `ports: [{port: 1883}]`.',
  'BrokerListener:spec.ports[].port': 'Add the TCP port number, e.g. `port: 8883`.',
  'BrokerListener:spec.ports[].tls.certManagerCertificateSpec.issuerRef':
    'Name the cert-manager issuer, e.g. `issuerRef: {name: azure-iot-operations-aio-certificate-issuer, kind: ClusterIssuer}`.',
  'BrokerListener:spec.ports[].tls.certManagerCertificateSpec.issuerRef.name':
    'Add the name of the Issuer or ClusterIssuer.',
  'BrokerListener:spec.ports[].tls.certManagerCertificateSpec.issuerRef.kind':
    'Add `kind: Issuer` or `kind: ClusterIssuer`.',
  'BrokerListener:spec.ports[].tls.certManagerCertificateSpec.privateKey.algorithm':
    'Add e.g. `algorithm: Ec256`, or remove `privateKey` to get the default (Ec256, Always).',
  'BrokerListener:spec.ports[].tls.certManagerCertificateSpec.privateKey.rotationPolicy':
    'Add `rotationPolicy: Always` (or `Never`), or remove `privateKey` to get the default (Ec256, Always).',
  'BrokerListener:spec.ports[].tls.manual.secretRef': 'Add `secretRef: <name of a kubernetes.io/tls Secret>`.',
  'BrokerAuthentication:spec.authenticationMethods':
    'List the methods, e.g. `authenticationMethods: [{method: ServiceAccountToken, serviceAccountTokenSettings: {audiences: [aio-internal]}}]`.',
  'BrokerAuthentication:spec.authenticationMethods[].method':
    'Add `method: ServiceAccountToken`, `X509` or `Custom` to match the settings block.',
  'BrokerAuthentication:spec.authenticationMethods[].serviceAccountTokenSettings.audiences':
    'Add the accepted token audiences, e.g. `audiences: [aio-internal]`.',
  'BrokerAuthentication:spec.authenticationMethods[].customSettings.endpoint':
    'Add the `https://` URL of the authentication server.',
  'BrokerAuthorization:spec.authorizationPolicies': 'Add `authorizationPolicies` with `rules` (no rules = deny all).',
  'BrokerAuthorization:spec.authorizationPolicies.rules[].principals':
    'Add `principals` (clientIds, usernames or attributes) saying whom the rule is for.',
  'BrokerAuthorization:spec.authorizationPolicies.rules[].brokerResources':
    'Add `brokerResources`, e.g. `[{method: Connect}]`.',
  'BrokerAuthorization:spec.authorizationPolicies.rules[].brokerResources[].method':
    'Add `method: Connect`, `Publish` or `Subscribe`.',
  'Certificate:spec.secretName': 'Add the name of the Secret cert-manager writes the certificate into.',
  'Certificate:spec.issuerRef': 'Add `issuerRef: {name: <issuer>, kind: Issuer}`.',
  'Certificate:spec.issuerRef.name': "Add the issuer's name.",
  'Issuer:spec.ca.secretName': "Add the name of the CA's kubernetes.io/tls Secret.",
  'ClusterIssuer:spec.ca.secretName': "Add the name of the CA's kubernetes.io/tls Secret.",
};

function pattern(path: IssuePath): string {
  return path
    .map((s) => (typeof s === 'number' ? '[]' : s))
    .reduce<string>((acc, s) => (s === '[]' ? acc + s : acc ? `${acc}.${s}` : s), '');
}

const OPTION_NOTES: Record<string, string> = {
  certManagerCertificateSpec: 'automatic TLS: a certificate from a cert-manager issuer',
  manual: 'manual TLS: a kubernetes.io/tls Secret you create',
};

function reportObject(
  r: Resource,
  key: SchemaKey,
  o: {
    path: IssuePath;
    required?: Extract<SchemaIssue, { kind: 'required' }>;
    oneOf?: Extract<SchemaIssue, { kind: 'oneOf' }>;
  },
  ctx: DocumentContext,
): void {
  const obj = valueAt(r.value, o.path) as Record<string, unknown> | undefined;
  const where = name(o.path, r);
  const quote = (xs: string[]) => xs.map((x) => `\`${x}\``);
  const join = (xs: string[], word: string) =>
    xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ${word} ${xs[xs.length - 1]}`;
  const pat = pattern(o.path);
  const notes: string[] = [];
  const related: RelatedReport[] = [];

  if (o.oneOf && o.oneOf.passing) {
    // Several alternatives valid at once: e.g. tls with both certManagerCertificateSpec and manual.
    const present = o.oneOf.options.filter((_, i) => o.oneOf!.passing!.includes(i)).map((opt) => opt.join(' + '));
    for (const opt of present)
      related.push({ resource: r, path: [...o.path, opt], key: true, message: `\`${opt}\` is set here` });
    let keep = '';
    if (pat === 'spec.ports[].tls' && typeof obj?.mode === 'string') {
      const m = obj.mode.toLowerCase();
      keep =
        m === 'automatic'
          ? ' `mode` is Automatic: remove `manual`.'
          : m === 'manual'
            ? ' `mode` is Manual: remove `certManagerCertificateSpec`.'
            : '';
    }
    ctx.report({
      ...at(r, o.path),
      message: `${REJECT}\`${where}\` may have only one of ${join(quote(o.oneOf.options.map((x) => x.join(' + '))), 'or')}, but it has ${present.length === 2 ? 'both' : present.length}.${keep || ' Keep one.'}`,
      related,
    });
    if (!o.required) return;
  }

  const needs: string[] = [];
  const missing = o.required?.missing ?? [];
  if (missing.length) needs.push(join(quote(missing), 'and'));
  const none = o.oneOf && !o.oneOf.passing;
  if (none) {
    const opts = o.oneOf!.options.map((x) => x.join(' + '));
    needs.push(`exactly one of ${join(quote(opts), 'or')}`);
    for (const opt of opts) if (OPTION_NOTES[opt]) notes.push(`\`${opt}\` = ${OPTION_NOTES[opt]}`);
  }
  if (!needs.length) return;
  let message = `${REJECT}\`${where}\` needs ${needs.join(' and ')}`;
  if (none) message += `, and has ${o.oneOf!.options.length === 2 ? 'neither' : 'none of them'}`;
  message += notes.length ? ` (${notes.join('; ')}).` : '.';
  for (const m of missing) {
    const hint = REQUIRED_HINTS[`${key}:${pattern([...o.path, m])}`];
    if (hint) message += ` ${hint}`;
  }
  if (none) message += oneOfAdvice(pat, obj);
  // Fields written but empty (null) were pruned by the API server before it checked: say so, and point at them.
  const nullOptions =
    none && obj
      ? o.oneOf!.options.flat().filter((k) => Object.prototype.hasOwnProperty.call(obj, k) && obj[k] === null)
      : [];
  const nulls = [...(o.required?.wereNull ?? []), ...nullOptions];
  if (nulls.length)
    message += ` (${join(quote(nulls), 'and')} ${nulls.length > 1 ? 'are' : 'is'} empty: the API server drops an empty field before checking.)`;
  const target = nulls.length === 1 && missing.length + nullOptions.length <= 1 ? [...o.path, nulls[0]] : o.path;
  ctx.report({ ...at(r, target), message });
}

function oneOfAdvice(pat: string, obj: Record<string, unknown> | undefined): string {
  if (pat === 'spec.ports[].tls') {
    const mode = typeof obj?.mode === 'string' ? obj.mode.toLowerCase() : '';
    let s =
      mode === 'automatic'
        ? ' For `mode: Automatic` add `certManagerCertificateSpec` with an `issuerRef`.'
        : mode === 'manual'
          ? ' For `mode: Manual` add `manual: {secretRef: <Secret name>}`.'
          : ' Add one, or remove `tls` for a port without TLS.';
    if (obj && 'automatic' in obj) s += ' (`automatic` is the pre-GA name of `certManagerCertificateSpec`.)';
    return s;
  }
  if (pat === 'spec.authenticationMethods[]') {
    const method = typeof obj?.method === 'string' ? obj.method.toLowerCase() : '';
    const block =
      method === 'x509'
        ? 'x509Settings: {}'
        : method === 'serviceaccounttoken'
          ? 'serviceAccountTokenSettings: {audiences: [...]}'
          : method === 'custom'
            ? 'customSettings: {endpoint: https://...}'
            : '';
    return block
      ? ` For \`method: ${String(obj?.method)}\` add \`${block}\`.`
      : ' Each entry has exactly one settings block, matching its `method`.';
  }
  if (pat === 'spec.authenticationMethods[].customSettings.auth')
    return ' Add `x509: {secretRef: <Secret name>}` or remove `auth`.';
  return '';
}

/** Where to point for an object: its key, the first key of an array item, or the `kind` value for the root. */
function at(r: Resource, path: IssuePath): Pick<Report, 'path' | 'key' | 'offsets'> {
  if (path.length === 0) return { path: ['kind'] };
  const last = path[path.length - 1];
  if (typeof last === 'string') return { path, key: true };
  const doc = r.chunk?.parse.doc;
  const span = doc ? firstKeySpan(doc, path) : undefined;
  return span ? { offsets: span } : { path };
}

function valueAt(value: unknown, path: IssuePath): unknown {
  let cur = value;
  for (const seg of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
