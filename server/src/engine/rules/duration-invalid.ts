// `duration` and `renewBefore` are Go durations (units ns, us, ms, s, m, h; no days).
// cert-manager's webhook then rejects a duration under 1h, a renewBefore under 5m and a renewBefore that is not
// shorter than the duration (default duration: 2160h). The CRDs check none of it.
// Applies to a listener's certManagerCertificateSpec (AIO turns it into a cert-manager Certificate), to cert-manager
// Certificates, and (syntax only) to the Broker's internal certificates.
import type { DocumentContext, DocumentRule } from '../rule';
import type { Path } from '../parse';
import { AIO_GROUP, CERT_MANAGER_GROUP, Resource, isAio } from '../resources';
import { formatGoDuration, isPlaceholder, parseGoDuration, parseHumanDuration } from '../tls';
import { isMap } from '../values';

const HOUR = 3600;
const MIN_DURATION = HOUR;
const MIN_RENEW = 5 * 60;
const DEFAULT_DURATION = 2160 * HOUR;

interface Spec {
  value: Record<string, any>;
  path: Path;
  limits: boolean;
}

const rule: DocumentRule = {
  scope: 'document',
  code: 'duration-invalid',
  severity: 'error',
  title:
    "`duration` / `renewBefore` is not a Go duration (use hours: `2160h`), is under cert-manager's minimum (1h, 5m), or renewBefore is not shorter than duration.",
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto',
    'https://cert-manager.io/docs/usage/certificate/',
    'https://pkg.go.dev/time#ParseDuration',
  ],
  applies: (r) =>
    isAio(r, 'BrokerListener') || isAio(r, 'Broker') || (r.kind === 'Certificate' && r.group === CERT_MANAGER_GROUP),
  check(r, ctx) {
    const specs: Spec[] = [];
    if (r.kind === 'BrokerListener') {
      const ports = r.value.spec?.ports;
      if (Array.isArray(ports))
        ports.forEach((p: any, i: number) => {
          const c = p?.tls?.certManagerCertificateSpec;
          if (isMap(c))
            specs.push({ value: c, path: ['spec', 'ports', i, 'tls', 'certManagerCertificateSpec'], limits: true });
        });
    } else if (r.kind === 'Broker' && r.group === AIO_GROUP) {
      const c = r.value.spec?.advanced?.internalCerts;
      if (isMap(c)) specs.push({ value: c, path: ['spec', 'advanced', 'internalCerts'], limits: false });
    } else if (isMap(r.value.spec)) {
      specs.push({ value: r.value.spec, path: ['spec'], limits: true });
    }
    for (const s of specs) checkSpec(r, s, ctx);
  },
};

function checkSpec(r: Resource, s: Spec, ctx: DocumentContext): void {
  const duration = read(s, 'duration', ctx);
  const renew = read(s, 'renewBefore', ctx);
  if (!s.limits) return;
  if (duration !== undefined && duration < MIN_DURATION) {
    ctx.report({
      path: [...s.path, 'duration'],
      message: `A certificate duration of ${show(duration)} is below cert-manager's minimum of 1h, so the certificate is never issued. Use at least '1h' (the default is '2160h', 90 days).`,
    });
  }
  if (renew !== undefined && renew < MIN_RENEW) {
    ctx.report({
      path: [...s.path, 'renewBefore'],
      message: `renewBefore ${show(renew)} is below cert-manager's minimum of 5m. Use at least '5m' (or omit it: cert-manager then renews at two thirds of the lifetime).`,
    });
  }
  if (renew !== undefined && renew >= MIN_RENEW) {
    const d = duration ?? (s.value.duration == null ? DEFAULT_DURATION : undefined);
    if (d !== undefined && d >= MIN_DURATION && renew >= d) {
      const third = formatGoDuration(Math.max(MIN_RENEW, Math.floor(d / 3 / 60) * 60));
      ctx.report({
        path: [...s.path, 'renewBefore'],
        message:
          duration !== undefined
            ? `renewBefore (${show(renew)}) must be shorter than duration (${show(duration)}); cert-manager rejects the certificate otherwise. Lower renewBefore${third ? `, e.g. to '${third}'` : ''}, or raise duration.`
            : `renewBefore (${show(renew)}) must be shorter than the certificate's duration, which defaults to 2160h (90 days) here; cert-manager rejects it otherwise. Lower renewBefore${third ? `, e.g. to '${third}'` : ''}, or set a longer duration.`,
        related:
          duration !== undefined
            ? [{ resource: r, path: [...s.path, 'duration'], message: `duration ${show(duration)}` }]
            : undefined,
      });
    }
  }
}

/** The value in seconds when it is a valid Go duration; reports it when it is not. */
function read(s: Spec, field: 'duration' | 'renewBefore', ctx: DocumentContext): number | undefined {
  const text = s.value[field];
  if (typeof text !== 'string' || isPlaceholder(text)) return undefined; // absent, null (allowed), not a string (schema) or a template
  const go = parseGoDuration(text);
  if (go !== undefined) return go;
  const human = parseHumanDuration(text);
  const fix = human !== undefined ? formatGoDuration(Math.round(human)) : undefined;
  ctx.report({
    path: [...s.path, field],
    message: fix
      ? `'${text}' is not a Go duration: only the units h, m, s (and ms, us, ns) exist, so write '${fix}'.`
      : /^\s*\d+(?:\.\d+)?\s*$/.test(text)
        ? `'${text}' has no unit; Go durations need one, e.g. '${text.trim()}h' for hours or '${text.trim()}m' for minutes.`
        : `'${text}' is not a Go duration; write it with the units h, m or s, e.g. '2160h' for 90 days or '1h30m'.`,
    data: fix ? { replace: fix } : undefined,
  });
  return undefined;
}

function show(seconds: number): string {
  return `'${formatGoDuration(seconds) ?? `${seconds}s`}'`;
}

export default rule;
