// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), the way kubectl asks for it.
// Columns follow the real API server's printers for the kinds tests look at; everything else gets NAME and AGE.

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell(o: any, now: number): unknown;
}

export function age(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const col = (name: string, cell: Column['cell'], type = 'string', format = '', priority = 0): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
  cell,
});
const NAME = col('Name', (o) => o.metadata?.name ?? '', 'string', 'name');
const AGE = col('Age', (o, now) => age(o.metadata?.creationTimestamp, now));

function podReady(o: any): string {
  const statuses: any[] = o.status?.containerStatuses ?? [];
  const total = (o.spec?.containers ?? []).length;
  return `${statuses.filter((c) => c.ready).length}/${total}`;
}
function podStatus(o: any): string {
  for (const c of o.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason && o.status?.phase !== 'Succeeded') return c.state.terminated.reason;
  }
  return o.status?.reason ?? o.status?.phase ?? 'Pending';
}
function jobStatus(o: any): string {
  const conds: any[] = o.status?.conditions ?? [];
  if (conds.some((c) => c.type === 'Complete' && c.status === 'True')) return 'Complete';
  if (conds.some((c) => c.type === 'Failed' && c.status === 'True')) return 'Failed';
  return 'Running';
}

const BY_KIND: Record<string, Column[]> = {
  Pod: [
    NAME,
    col('Ready', podReady),
    col('Status', podStatus),
    col(
      'Restarts',
      (o) => (o.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0),
      'integer',
    ),
    AGE,
  ],
  Job: [
    NAME,
    col('Status', jobStatus),
    col('Completions', (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`),
    AGE,
  ],
  Service: [
    NAME,
    col('Type', (o) => o.spec?.type ?? 'ClusterIP'),
    col('Cluster-IP', (o) => o.spec?.clusterIP ?? '<none>'),
    col(
      'External-IP',
      (o) =>
        (o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname).join(',') ||
        (o.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>'),
    ),
    col('Port(s)', (o) =>
      (o.spec?.ports ?? [])
        .map((p: any) => `${p.port}${p.nodePort ? ':' + p.nodePort : ''}/${p.protocol ?? 'TCP'}`)
        .join(','),
    ),
    AGE,
  ],
  Secret: [
    NAME,
    col('Type', (o) => o.type ?? 'Opaque'),
    col('Data', (o) => Object.keys(o.data ?? {}).length, 'integer'),
    AGE,
  ],
  Event: [
    col('Last Seen', (o, now) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp, now)),
    col('Type', (o) => o.type ?? ''),
    col('Reason', (o) => o.reason ?? ''),
    col('Object', (o) => `${(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`),
    col('Message', (o) => o.message ?? ''),
  ],
  BrokerListener: [NAME, col('Broker Reference', (o) => o.spec?.brokerRef ?? ''), AGE],
};

export function columnsFor(kind: string): Column[] {
  return BY_KIND[kind] ?? [NAME, AGE];
}

export function toTable(
  kind: string,
  objects: any[],
  resourceVersion: string,
  includeObject: string,
  now: number,
  meta: Record<string, unknown> = {},
): any {
  const cols = columnsFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...meta },
    columnDefinitions: cols.map(({ name, type, format, description, priority }) => ({
      name,
      type,
      format,
      description,
      priority,
    })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
