// Each listener gets a Kubernetes Service named `spec.serviceName`, or the listener's own
// name when that is not set; the name must be unique in the namespace, and `aio-broker` belongs to AIO's `default`
// listener. A hand-written Service of the same name in the workspace clashes too (the operator creates that Service
// itself); Services owned by a BrokerListener (ownerReferences) are the listener's own and are skipped.
//
// data: { serviceName: string, reserved: boolean (true when the clash is with AIO's reserved `aio-broker`) }
import type { WorkspaceRule, RelatedReport } from '../rule';
import type { Path } from '../parse';
import type { Resource } from '../resources';
import { listenerModel, ownedByListener, serviceNamesOf, label, firstOf } from '../listener-model';
import { DEFAULT_LISTENER_NAME, DEFAULT_SERVICE_NAME } from '../builtins';

interface Claim {
  owner: string;
  doc: Resource;
  path: Path;
}

const what = (c: Claim) => label(c.doc.kind, c.doc);

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'service-name-conflict',
  severity: 'error',
  title:
    'Two listeners (or a listener and a Service) use one Service name in a namespace, or a listener other than `default` uses `aio-broker`.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener'],
  check(ctx) {
    const model = listenerModel(ctx.index);
    const services = ctx.index
      .ofKind('Service')
      .filter((s) => s.group === '' && s.origin === 'workspace' && s.name && !ownedByListener(s));
    const servicesByNs = new Map<string, Resource[]>();
    for (const s of services) {
      const l = servicesByNs.get(s.namespace);
      if (l) l.push(s);
      else servicesByNs.set(s.namespace, [s]);
    }
    for (const [ns, groups] of model.byNamespace) {
      const claims = new Map<string, Claim[]>();
      const add = (name: string, c: Claim) => {
        const l = claims.get(name);
        if (l) l.push(c);
        else claims.set(name, [c]);
      };
      for (const g of groups) {
        // One listener stating the same name in several documents is one owner (reported at each document).
        for (const s of serviceNamesOf(g)) add(s.value, { owner: g.id, doc: s.doc, path: s.path });
      }
      for (const s of servicesByNs.get(ns) ?? []) {
        add(s.name!, { owner: `Service/${ns}/${s.name}`, doc: s, path: ['metadata', 'name'] });
      }
      for (const [name, list] of claims) {
        // The common case, one claim that is not the reserved name, costs nothing more.
        if (
          list.length === 1 &&
          (name !== DEFAULT_SERVICE_NAME ||
            list[0].doc.kind !== 'BrokerListener' ||
            list[0].doc.name === DEFAULT_LISTENER_NAME)
        )
          continue;
        const owners = new Set(list.map((c) => c.owner));
        const aioOwned =
          name === DEFAULT_SERVICE_NAME &&
          list.some((o) => o.doc.kind === 'BrokerListener' && o.doc.name === DEFAULT_LISTENER_NAME);
        for (const c of list) {
          if (c.doc.origin !== 'workspace') continue;
          const isListener = c.doc.kind === 'BrokerListener';
          const reserved = isListener && name === DEFAULT_SERVICE_NAME && c.doc.name !== DEFAULT_LISTENER_NAME;
          const count = owners.size - 1;
          if (count === 0 && !reserved) continue;
          const others = firstOf(list, (o) => o.owner !== c.owner);
          const related: RelatedReport[] = others.map((o) => ({
            resource: o.doc,
            path: o.path,
            message: `Service name '${name}' of ${what(o)}`,
          }));
          const shown = [...new Set(others.map(what))].slice(0, 3);
          const who = shown.join(', ') + (count > shown.length ? ` and ${count - shown.length} more` : '');
          let message: string;
          if (!isListener) {
            message = `Service '${name}' has the name that ${who} gives its own Service; the AIO operator creates and manages that Service. Remove this Service or rename one of them.`;
          } else if (reserved) {
            message =
              `Service name '${name}' belongs to AIO's 'default' listener (in-cluster clients connect to ${name}:18883)` +
              (count > 0 ? `, and ${who} already use${count > 1 ? '' : 's'} it` : '') +
              `. Set spec.serviceName to another name, e.g. '${c.doc.name}'.`;
          } else {
            const suggestion = c.doc.name && c.doc.name !== name ? ` e.g. '${c.doc.name}'` : '';
            message =
              `Service name '${name}' is also used by ${who}; Service names must be unique in namespace '${ns}'. ` +
              `Set spec.serviceName to another name${suggestion}.`;
          }
          ctx.report(c.doc, {
            path: c.path,
            message,
            related,
            data: { serviceName: name, reserved: reserved || aioOwned },
          });
        }
      }
    }
  },
};

export default rule;
