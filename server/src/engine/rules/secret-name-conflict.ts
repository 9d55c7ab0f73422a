// `certManagerCertificateSpec.secretName` is where AIO writes the port's server certificate, and
// "any existing data will be overwritten". Two ports (of any listeners, in any files) with one secretName overwrite
// each other's certificate; a secretName that is another port's `manual.secretRef`, or a cert-manager Certificate's
// secretName in the same namespace, destroys that certificate. Reported at every automatic port involved.
// data: { secretName, namespace }.
import type { RelatedReport, WorkspaceRule } from '../rule';
import type { Path } from '../parse';
import type { Resource } from '../resources';
import { CERT_MANAGER_GROUP, identity } from '../resources';
import { TlsPort, portLabel, tlsPorts, whereIs } from '../tls-ports';
import { isPlaceholder } from '../tls';

interface Writer {
  resource: Resource;
  path: Path;
  label: string;
  port?: TlsPort;
}

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'secret-name-conflict',
  severity: 'warning',
  title:
    "Two ports write their automatic certificate to one Secret, or one overwrites a manual-TLS Secret or a cert-manager Certificate's Secret.",
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto'],
  check(ctx) {
    // Only automatic ports with a secretName can conflict: collect them first (usually none, so this is cheap).
    const autos = new Map<string, Writer[]>();
    const others = new Map<string, Writer[]>();
    const seen = new Set<string>();
    const add = (m: Map<string, Writer[]>, k: string, w: Writer, id: string) => {
      // A kustomize base and its patch describe one object: count each (object, port) once.
      if (seen.has(`${k}\u0000${id}`)) return;
      seen.add(`${k}\u0000${id}`);
      const l = m.get(k);
      if (l) l.push(w);
      else m.set(k, [w]);
    };
    const ports = tlsPorts(ctx.index);
    for (const p of ports) {
      const name = p.auto?.secretName;
      if (typeof name === 'string' && name && !isPlaceholder(name)) {
        add(
          autos,
          `${p.listener.namespace}/${name}`,
          {
            resource: p.listener,
            path: [...p.path, 'certManagerCertificateSpec', 'secretName'],
            label: `written by ${portLabel(p)}`,
            port: p,
          },
          `${identity(p.listener)}#${String(p.port)}`,
        );
      }
    }
    if (autos.size === 0) return;
    for (const p of ports) {
      const ref = p.manual?.secretRef;
      const k = `${p.listener.namespace}/${ref}`;
      if (typeof ref === 'string' && ref && autos.has(k)) {
        add(
          others,
          k,
          {
            resource: p.listener,
            path: [...p.path, 'manual', 'secretRef'],
            label: `used for manual TLS by ${portLabel(p)}`,
            port: p,
          },
          `${identity(p.listener)}#${String(p.port)}`,
        );
      }
    }
    for (const c of ctx.index.ofKind('Certificate', CERT_MANAGER_GROUP)) {
      const name = c.value.spec?.secretName;
      const k = `${c.namespace}/${name}`;
      if (typeof name !== 'string' || !name || !autos.has(k)) continue;
      add(
        others,
        k,
        { resource: c, path: ['spec', 'secretName'], label: `written by cert-manager Certificate '${c.name ?? '?'}'` },
        identity(c),
      );
    }
    for (const [k, writers] of autos) {
      const more = others.get(k) ?? [];
      if (writers.length + more.length < 2) continue;
      const [namespace, secretName] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
      for (const w of writers) {
        if (w.resource.origin !== 'workspace') continue;
        const rest = [...writers.filter((x) => x !== w), ...more];
        const names = rest.map(
          (x) =>
            x.label +
            (x.resource.origin === 'workspace'
              ? ''
              : ` (${x.resource.origin === 'cluster' ? 'in the cluster' : 'an AIO built-in object'})`),
        );
        const overwritesOthers = more.length > 0;
        const message = overwritesOthers
          ? `The automatic certificate of this port is written to Secret '${secretName}', which is also ${names.join(', ')}: AIO overwrites any existing data in it, so that certificate is lost. Pick another secretName (or omit it).`
          : `Secret '${secretName}' is also ${names.join(', ')}: the automatic certificates overwrite each other. Give each port its own secretName (or omit it).`;
        const related: RelatedReport[] = rest.map((x) => ({
          resource: x.resource,
          path: x.path,
          message: x.resource.origin === 'workspace' ? x.label : `${x.label}: ${whereIs(x.resource)}`,
        }));
        ctx.report(w.resource, { path: w.path, message, related, data: { secretName, namespace } });
      }
    }
  },
};
export default rule;
