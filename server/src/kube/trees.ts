// Tree data for the "Broker Listeners" and "Service Connector" views, built from the pure model. Node ids are stable
// (kind/namespace/name paths), so the client updates only what changed. Pure.
import type { TreeNode, NodeLevel } from './tree-node';
import { withLazyChildren } from './tree-node';
import type { ClusterSnapshot } from './session';
import {
  InspectModel,
  JobModel,
  ListenerModel,
  Memo,
  PortModel,
  Problem,
  connectionsModel,
  jobsModel,
  listenersModel,
  problems,
  releasesModel,
  LISTENER_KEYS,
  SC_KEYS,
} from './model';

/**
 * Builds both trees and keeps what it built: after a watch event only the nodes of changed listeners and jobs are
 * rebuilt (unchanged ones are the same objects). One builder per view session.
 */
export class TreeBuilder {
  readonly listenerModels = new Memo();
  readonly jobModels = new Memo();
  readonly listenerNodes = new Memo();
  readonly jobNodes = new Memo();
  private last = new Memo();
  /** The listeners tree; the same array as last time when none of its inputs changed. */
  listeners(s: ClusterSnapshot): TreeNode[] {
    return this.last.get('listeners', [s.context, s.namespace, ...LISTENER_KEYS.map((k) => s.resources[k])], () =>
      listenersTree(s, this),
    );
  }
  serviceConnector(s: ClusterSnapshot): TreeNode[] {
    return this.last.get(
      'sc',
      [s.context, s.namespace, ...SC_KEYS.map((k) => s.resources[k]), s.jobHistory, s.logs],
      () => serviceConnectorTree(s, this),
    );
  }
}
import type { ResourceKey } from './resources';

const AIO = 'mqttbroker.iotoperations.azure.com/v1';
/** Above this many listeners (or namespaces, jobs) nodes start collapsed. */
const EXPAND_LIMIT = 30;
const CLUSTER_WIDE = new Set(['unreachable', 'timeout', 'signin', 'unauthorized', 'config']);

export function problemNode(idPrefix: string, p: Problem): TreeNode {
  return {
    id: `${idPrefix}/problem/${p.resource}/${p.kind}`,
    label: p.message,
    description: p.hint ? 'how to fix' : undefined,
    tooltip: p.hint ? `${p.message}\n\n${p.hint}` : p.message,
    icon: p.kind === 'aio-missing' || p.kind === 'cert-manager-missing' ? 'info' : 'error',
    level: p.kind.endsWith('missing') ? 'info' : 'error',
    contextValue: 'problem',
    expanded: true,
    children: p.hint
      ? [
          {
            id: `${idPrefix}/problem/${p.resource}/${p.kind}/hint`,
            label: p.hint,
            icon: 'lightbulb',
            contextValue: 'hint',
            data: { fix: p.hint },
          },
        ]
      : undefined,
    data: { kind: p.kind, resource: p.resource },
  };
}

const levelIcon = (l: NodeLevel | 'unknown') =>
  l === 'ok' ? 'pass' : l === 'warning' ? 'warning' : l === 'error' ? 'error' : 'circle-outline';

/** A ready-to-run mosquitto_pub test command for a port. */
export function mosquittoPub(l: ListenerModel, p: PortModel, satPorts: boolean): string {
  let host = l.host;
  let port = p.port ?? 0;
  if (/^loadbalancer$/i.test(l.serviceType))
    host = /^\d|:/.test(l.address) ? l.address.split(',')[0].trim() : '<external-ip>';
  if (/^nodeport$/i.test(l.serviceType) && p.nodePort) {
    host = '<node-ip>';
    port = p.nodePort;
  }
  const parts = [
    'mosquitto_pub',
    '-h',
    host,
    '-p',
    String(port),
    '-V',
    'mqttv5',
    '-i',
    'brokerkit-test',
    '-t',
    'test',
    '-m',
    'hello',
  ];
  if (p.tls !== 'none') parts.push('--cafile', 'ca.crt');
  if (satPorts)
    parts.push(
      '-D',
      'CONNECT',
      'authentication-method',
      'K8S-SAT',
      '-D',
      'CONNECT',
      'authentication-data',
      '"$(cat /var/run/secrets/tokens/broker-sat)"',
    );
  return parts.join(' ');
}

function portNode(l: ListenerModel, p: PortModel, sat: boolean): TreeNode {
  const id = `port/${l.namespace}/${l.name}/${p.port}`;
  const tlsText =
    p.tls === 'none'
      ? 'no TLS'
      : `TLS ${p.tls}${p.issuer ? ` (${p.issuer})` : p.secret ? ` (secret ${p.secret})` : ''}`;
  const desc = [
    p.protocol,
    tlsText,
    p.authenticationRef ? `authn ${p.authenticationRef}` : 'no authn',
    p.authorizationRef ? `authz ${p.authorizationRef}` : 'no authz',
    ...(p.nodePort ? [`nodePort ${p.nodePort}`] : []),
  ].join(' · ');
  const attr = (k: string, label: string, description?: string, icon?: string, level?: NodeLevel): TreeNode => ({
    id: `${id}/${k}`,
    label,
    description,
    icon,
    level,
    contextValue: 'attribute',
  });
  // The port's details are made when someone opens the port (a cluster of 10,000 listeners has over 100,000 of them).
  return withLazyChildren(
    {
      id,
      label: `${p.port}`,
      description: desc,
      icon: 'plug',
      contextValue: 'port',
      tooltip: `${l.name}:${p.port}\n${desc}`,
      level: p.certificate?.ready === false ? 'error' : undefined,
      data: { mosquittoPub: mosquittoPub(l, p, sat), namespace: l.namespace, listener: l.name, port: p.port },
    },
    () => {
      const children: TreeNode[] = [
        attr('protocol', 'protocol', p.protocol, 'symbol-enum'),
        attr(
          'tls',
          'TLS',
          p.tls === 'none' ? 'none (plain TCP)' : p.tls,
          p.tls === 'none' ? 'unlock' : 'lock',
          p.tls === 'none' ? 'warning' : undefined,
        ),
      ];
      if (p.issuer) children.push(attr('issuer', 'issuer', p.issuer, 'verified'));
      if (p.secret) children.push(attr('secret', 'secret', p.secret, 'key'));
      if (p.certificate)
        children.push(
          attr(
            'certificate',
            'certificate',
            p.certificate.detail,
            p.certificate.ready ? 'pass' : p.certificate.ready === false ? 'error' : 'question',
            p.certificate.ready ? 'ok' : p.certificate.ready === false ? 'error' : 'pending',
          ),
        );
      children.push(
        attr(
          'authn',
          'authentication',
          p.authenticationRef ?? 'disabled',
          'person',
          p.authenticationRef ? undefined : 'warning',
        ),
      );
      children.push(
        attr(
          'authz',
          'authorization',
          p.authorizationRef ?? 'disabled',
          'shield',
          p.authorizationRef && !p.authenticationRef ? 'warning' : undefined,
        ),
      );
      if (p.nodePort) children.push(attr('nodePort', 'node port', String(p.nodePort), 'plug'));
      return children;
    },
  );
}

function listenerNode(l: ListenerModel, expanded = true): TreeNode {
  const id = `listener/${l.namespace}/${l.name}`;
  const certs = l.ports.map((p) => p.certificate).filter(Boolean);
  const certText =
    certs.length === 0
      ? undefined
      : certs.every((c) => c!.ready)
        ? 'TLS certificate ready'
        : certs.some((c) => c!.ready === false)
          ? 'TLS certificate not ready'
          : 'TLS certificate unknown';
  const status = l.status.split(':')[0];
  const children: TreeNode[] = [
    {
      id: `${id}/service`,
      label: 'service',
      description: `${l.serviceName} (${l.serviceType}) · ${l.address}`,
      icon: 'globe',
      contextValue: 'attribute',
      ref: { apiVersion: 'v1', kind: 'Service', namespace: l.namespace, name: l.serviceName },
    },
    {
      id: `${id}/status`,
      label: 'status',
      description: l.status,
      icon: levelIcon(l.statusLevel),
      level: l.statusLevel === 'unknown' ? undefined : l.statusLevel,
      contextValue: 'attribute',
    },
  ];
  if (certText)
    children.push({
      id: `${id}/certificate`,
      label: 'certificate',
      description: certText,
      icon: certText.endsWith('ready') && !certText.includes('not') ? 'pass' : 'warning',
      contextValue: 'attribute',
    });
  for (const p of l.ports) children.push(portNode(l, p, !!p.satAuthentication));
  return {
    id,
    label: l.name,
    description: `${l.serviceType} · ${l.address} · ${status}`,
    icon: 'radio-tower',
    level: l.statusLevel === 'unknown' ? undefined : l.statusLevel,
    contextValue: 'listener',
    expanded,
    children,
    tooltip: `BrokerListener ${l.namespace}/${l.name}\nservice ${l.serviceName} (${l.serviceType}) ${l.address}\n${l.status}${certText ? `\n${certText}` : ''}`,
    ref: { apiVersion: AIO, kind: 'BrokerListener', namespace: l.namespace, name: l.name },
    data: { namespace: l.namespace, listener: l.name },
  };
}

/** The "Broker Listeners" tree: context → namespace → broker → listener → port. */
export function listenersTree(s: ClusterSnapshot, b?: TreeBuilder): TreeNode[] {
  const model = listenersModel(s, b?.listenerModels);
  const probs = problems(s, LISTENER_KEYS);
  // Small clusters open fully; large ones open only down to the brokers (the editor fetches expanded nodes eagerly).
  const open = model.length <= EXPAND_LIMIT;
  const nodeOf = (l: ListenerModel) =>
    b ? b.listenerNodes.get(`${l.namespace}/${l.name}`, [l, open], () => listenerNode(l, open)) : listenerNode(l, open);
  const root: TreeNode = {
    id: `context/${s.context}`,
    label: s.context,
    description: s.namespace ? `${s.server} · namespace ${s.namespace}` : s.server,
    icon: 'server-environment',
    contextValue: 'context',
    expanded: true,
    children: [],
  };
  for (const p of probs) root.children!.push(problemNode(root.id, p));
  const byNs = new Map<string, Map<string, ListenerModel[]>>();
  for (const l of model) {
    const brokers = byNs.get(l.namespace) ?? byNs.set(l.namespace, new Map()).get(l.namespace)!;
    (brokers.get(l.broker) ?? brokers.set(l.broker, []).get(l.broker)!).push(l);
  }
  for (const [ns, brokers] of byNs) {
    const nsNode: TreeNode = {
      id: `ns/${ns}`,
      label: ns,
      icon: 'symbol-namespace',
      contextValue: 'namespace',
      expanded: byNs.size <= EXPAND_LIMIT,
      children: [],
      data: { trustBundle: { namespace: ns } },
    };
    for (const [broker, ls] of brokers) {
      nsNode.children!.push({
        id: `broker/${ns}/${broker}`,
        label: broker,
        description: `broker · ${ls.length} listener${ls.length === 1 ? '' : 's'}`,
        icon: 'server-process',
        contextValue: 'broker',
        expanded: byNs.size <= EXPAND_LIMIT,
        ref: { apiVersion: AIO, kind: 'Broker', namespace: ns, name: broker },
        children: ls.map(nodeOf),
        data: { trustBundle: { namespace: ns } },
      });
    }
    root.children!.push(nsNode);
  }
  b?.listenerNodes.sweep();
  const slice = s.resources.brokerlisteners;
  if (model.length === 0 && slice?.synced && !slice.error) {
    root.children!.push({
      id: `${root.id}/empty`,
      label: 'No BrokerListeners in this cluster',
      description: s.namespace ? `namespace ${s.namespace}` : undefined,
      icon: 'info',
      level: 'info',
      contextValue: 'empty',
    });
  } else if (!slice?.synced && !slice?.error) {
    root.children!.push({
      id: `${root.id}/loading`,
      label: 'Loading…',
      icon: 'loading~spin',
      level: 'pending',
      contextValue: 'loading',
    });
  }
  return [root];
}

function time(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function jobNode(j: JobModel, expandJobs = true): TreeNode {
  const id = `job/${j.namespace}/${j.name}/${j.uid}`;
  const desc = j.removedAt ? `${j.status}, removed at ${time(j.removedAt)}` : j.status;
  const level: NodeLevel =
    j.status === 'failed' ? 'error' : j.status === 'succeeded' ? 'ok' : j.status === 'active' ? 'pending' : 'info';
  const children: TreeNode[] = [];
  for (const d of j.diagnosis) {
    children.push({
      id: `${id}/diagnosis/${d.code}`,
      label: d.cause,
      description: 'diagnosis',
      icon: 'lightbulb-autofix',
      level: 'warning',
      contextValue: d.fix ? 'diagnosis-fix' : 'diagnosis',
      expanded: true,
      tooltip: `${d.cause}\n\nMitigation: ${d.mitigation}\n\nEvidence: ${d.evidence}${d.fix ? `\n\nFix: ${d.fix}` : ''}`,
      children: [
        {
          id: `${id}/diagnosis/${d.code}/mitigation`,
          label: d.mitigation,
          description: 'mitigation',
          icon: 'tools',
          contextValue: d.fix ? 'fix' : 'attribute',
          ...(d.fix ? { data: { fix: d.fix } } : {}),
        },
        {
          id: `${id}/diagnosis/${d.code}/evidence`,
          label: d.evidence,
          description: 'evidence',
          icon: 'quote',
          contextValue: 'attribute',
        },
      ],
      ...(d.fix ? { data: { fix: d.fix } } : {}),
    });
  }
  children.push({
    id: `${id}/counts`,
    label: 'pods',
    description: `${j.counts.active} active · ${j.counts.succeeded} succeeded · ${j.counts.failed} failed`,
    icon: 'dashboard',
    contextValue: 'attribute',
  });
  if (j.startTime)
    children.push({
      id: `${id}/start`,
      label: 'started',
      description: j.startTime,
      icon: 'clock',
      contextValue: 'attribute',
    });
  if (j.completionTime)
    children.push({
      id: `${id}/completion`,
      label: 'completed',
      description: j.completionTime,
      icon: 'clock',
      contextValue: 'attribute',
    });
  for (const c of j.conditions) {
    children.push({
      id: `${id}/condition/${c.type}`,
      label: `${c.type}=${c.status}`,
      description: [c.reason, c.message].filter(Boolean).join(': '),
      icon: c.type === 'Failed' && c.status === 'True' ? 'error' : 'check',
      contextValue: 'condition',
    });
  }
  for (const p of j.pods) {
    const pid = `pod/${j.namespace}/${p.name}`;
    children.push({
      id: pid,
      label: p.name,
      description: p.phase,
      icon: 'vm',
      contextValue: 'pod',
      level: p.phase === 'Failed' ? 'error' : p.phase === 'Succeeded' ? 'ok' : undefined,
      ref: { apiVersion: 'v1', kind: 'Pod', namespace: j.namespace, name: p.name },
      children: p.containers.map((c) => ({
        id: `${pid}/container/${c.name}`,
        label: c.name,
        description: [
          c.state,
          c.reason,
          c.exitCode !== undefined ? `exit ${c.exitCode}` : undefined,
          c.restarts ? `${c.restarts} restarts` : undefined,
        ]
          .filter(Boolean)
          .join(' · '),
        tooltip: c.message,
        icon:
          c.state === 'running'
            ? 'play'
            : c.state === 'terminated' && c.exitCode === 0
              ? 'pass'
              : c.state === 'terminated'
                ? 'error'
                : 'watch',
        contextValue: 'container',
        children: [
          {
            id: `${pid}/container/${c.name}/log`,
            label: 'log',
            description: c.log ? c.log.trim().split('\n').pop() : 'open in an editor',
            icon: 'output',
            contextValue: 'log',
            data: { log: { namespace: j.namespace, pod: p.name, container: c.name } },
          },
        ],
      })),
    });
  }
  if (j.events.length) {
    children.push({
      id: `${id}/events`,
      label: 'events',
      description: String(j.events.length),
      icon: 'history',
      contextValue: 'events',
      children: j.events.map((e, i) => ({
        id: `${id}/events/${i}/${e.object}/${e.reason}`,
        label: `${e.reason}: ${e.message}`,
        description: `${e.type} · ${e.object}${e.count > 1 ? ` ×${e.count}` : ''}`,
        icon: e.type === 'Warning' ? 'warning' : 'info',
        contextValue: 'event',
      })),
    });
  }
  return {
    id,
    label: j.name,
    description: desc,
    icon: 'run-all',
    level,
    contextValue: j.removedAt ? 'job-removed' : 'job',
    children,
    expanded: j.status === 'failed' && !j.removedAt && expandJobs,
    ...(j.removedAt ? {} : { ref: { apiVersion: 'batch/v1', kind: 'Job', namespace: j.namespace, name: j.name } }),
  };
}

const SC_GROUPS: { id: string; label: string; icon: string; keys: ResourceKey[] }[] = [
  { id: 'sc/releases', label: 'Helm releases', icon: 'package', keys: ['helmreleases'] },
  { id: 'sc/jobs', label: 'Jobs', icon: 'run-all', keys: ['scjobs', 'scpods', 'scevents'] },
  {
    id: 'sc/connections',
    label: 'Connections',
    icon: 'link',
    keys: ['secrets', 'serviceaccounts', 'deployments', 'statefulsets', 'daemonsets'],
  },
];

/** The "Service Connector" tree: Helm releases and jobs in sc-system, then connections in user namespaces. */
export function serviceConnectorTree(s: ClusterSnapshot, b?: TreeBuilder): TreeNode[] {
  const out: TreeNode[] = [];
  const all = problems(
    s,
    SC_GROUPS.flatMap((g) => g.keys),
  );
  for (const p of all.filter((x) => CLUSTER_WIDE.has(x.kind))) out.push(problemNode('sc', p));
  const releases = releasesModel(s);
  const jobs = jobsModel(s, b?.jobModels);
  const conns = connectionsModel(s);
  for (const g of SC_GROUPS) {
    const node: TreeNode = {
      id: g.id,
      label: g.label,
      icon: g.icon,
      contextValue: 'group',
      expanded: true,
      children: [],
    };
    for (const p of all.filter((x) => !CLUSTER_WIDE.has(x.kind) && g.keys.includes(x.resource as ResourceKey)))
      node.children!.push(problemNode(g.id, p));
    if (g.id === 'sc/releases') {
      node.description = 'sc-system';
      for (const r of releases) {
        node.children!.push({
          id: `release/${r.namespace}/${r.name}`,
          label: r.name,
          description: `revision ${r.revision} · ${r.status}${r.chart ? ` · ${r.chart} ${r.version ?? ''}`.trimEnd() : ''}`,
          icon: 'package',
          level:
            r.status === 'deployed'
              ? 'ok'
              : r.status === 'failed'
                ? 'error'
                : r.status.startsWith('pending')
                  ? 'pending'
                  : undefined,
          contextValue: 'release',
          children: [
            ...(r.lastDeployed
              ? [
                  {
                    id: `release/${r.namespace}/${r.name}/deployed`,
                    label: 'last deployed',
                    description: r.lastDeployed,
                    icon: 'clock',
                    contextValue: 'attribute',
                  },
                ]
              : []),
            ...(r.description
              ? [
                  {
                    id: `release/${r.namespace}/${r.name}/description`,
                    label: 'description',
                    description: r.description,
                    icon: 'note',
                    contextValue: 'attribute',
                  },
                ]
              : []),
            ...(r.appVersion
              ? [
                  {
                    id: `release/${r.namespace}/${r.name}/app`,
                    label: 'app version',
                    description: r.appVersion,
                    icon: 'tag',
                    contextValue: 'attribute',
                  },
                ]
              : []),
            {
              id: `release/${r.namespace}/${r.name}/history`,
              label: 'history',
              description: r.history.map((h) => `v${h.revision} ${h.status}`).join(', '),
              icon: 'history',
              contextValue: 'attribute',
            },
          ],
        });
      }
      if (!releases.length && s.resources.helmreleases?.synced && !s.resources.helmreleases.error) {
        node.children!.push({
          id: `${g.id}/none`,
          label: 'No Helm release in sc-system',
          description: 'Service Connector is not installed in this cluster',
          icon: 'info',
          level: 'info',
          contextValue: 'empty',
        });
      }
    } else if (g.id === 'sc/jobs') {
      node.description = 'sc-system';
      const expandJobs = jobs.length <= EXPAND_LIMIT;
      for (const j of jobs)
        node.children!.push(
          b ? b.jobNodes.get(j.uid, [j, expandJobs], () => jobNode(j, expandJobs)) : jobNode(j, expandJobs),
        );
      b?.jobNodes.sweep();
      if (!jobs.length && s.resources.scjobs?.synced && !s.resources.scjobs.error) {
        node.children!.push({
          id: `${g.id}/none`,
          label: 'No jobs in sc-system',
          description: 'sc-job removes itself after success',
          icon: 'info',
          level: 'info',
          contextValue: 'empty',
        });
      }
    } else {
      const byNs = new Map<string, TreeNode>();
      for (const c of conns) {
        let nsNode = byNs.get(c.namespace);
        if (!nsNode) {
          nsNode = {
            id: `conn-ns/${c.namespace}`,
            label: c.namespace,
            icon: 'symbol-namespace',
            contextValue: 'namespace',
            expanded: true,
            children: [],
          };
          byNs.set(c.namespace, nsNode);
          node.children!.push(nsNode);
        }
        const cid = `conn/${c.namespace}/${c.kind}/${c.name}`;
        nsNode.children!.push({
          id: cid,
          label: c.name,
          description:
            c.kind === 'Secret'
              ? `Secret · ${c.keys.length} key${c.keys.length === 1 ? '' : 's'}`
              : `ServiceAccount${c.clientId ? ` · client-id ${c.clientId}` : ''}`,
          icon: c.kind === 'Secret' ? 'key' : 'person',
          contextValue: 'connection',
          ref: { apiVersion: 'v1', kind: c.kind, namespace: c.namespace, name: c.name },
          children: [
            ...c.keys.map((k) => ({
              id: `${cid}/key/${k}`,
              label: k,
              description: 'environment variable',
              icon: 'symbol-variable',
              contextValue: 'secret-key',
            })),
            ...(c.usedBy.length
              ? c.usedBy.map((w) => ({
                  id: `${cid}/used-by/${w.kind}/${w.name}`,
                  label: `${w.kind} ${w.name}`,
                  description: `uses it via ${w.via}`,
                  icon: 'symbol-class',
                  contextValue: 'workload',
                  ref: { apiVersion: 'apps/v1', kind: w.kind, namespace: c.namespace, name: w.name },
                }))
              : [
                  {
                    id: `${cid}/unused`,
                    label: 'no workload uses it',
                    icon: 'circle-slash',
                    contextValue: 'attribute',
                  },
                ]),
          ],
        });
      }
      if (!conns.length && s.resources.secrets?.synced && !s.resources.secrets.error) {
        node.children!.push({
          id: `${g.id}/none`,
          label: 'No Service Connector Secrets or ServiceAccounts (sc-…) found',
          icon: 'info',
          level: 'info',
          contextValue: 'empty',
        });
      }
    }
    // A group always has a child, so the view shows it expandable (and expanded) from the first render.
    if (!node.children!.length) {
      const loading = g.keys.some((k) => !s.resources[k]?.synced && !s.resources[k]?.error);
      node.children!.push(
        loading
          ? {
              id: `${g.id}/loading`,
              label: 'Loading…',
              icon: 'loading~spin',
              level: 'pending',
              contextValue: 'loading',
            }
          : { id: `${g.id}/none`, label: 'Nothing found', icon: 'info', level: 'info', contextValue: 'empty' },
      );
    }
    out.push(node);
  }
  return out;
}

/** Both trees as indented text (for `brokerkit inspect`). */
export function treeText(nodes: TreeNode[], indent = ''): string {
  const lines: string[] = [];
  for (const n of nodes) {
    const mark = n.level === 'error' ? '✗ ' : n.level === 'warning' ? '! ' : '';
    lines.push(`${indent}${mark}${n.label}${n.description ? `  — ${n.description}` : ''}`);
    if (n.children?.length) lines.push(treeText(n.children, indent + '  '));
  }
  return lines.filter(Boolean).join('\n');
}

export type { InspectModel };
