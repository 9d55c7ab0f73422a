// Which workspace deployments the connected cluster is compared with (engine/cluster-targets.ts decides): the
// `brokerkit.clusterTargets` setting (folders and kustomizations mapped to kube contexts) and the user's choices of
// this session ("Validate This Deployment Against the Cluster") become the engine's targeting; the client hears what
// is compared with what after every validation that changed it (its status bar says so).
import { pathToFileURL } from 'node:url';
import { ClusterTargeting, FolderTarget, folderTargeting } from '../engine';
import { Methods, ClusterCompareDeploymentParams, ClusterTargetsResult, ClusterTargetInfo } from '../protocol';
import type { ServerContext } from './context';

const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

export interface ClusterTargets {
  /** Gives the engine the current targeting; call when the context or the settings changed. */
  apply(): void;
}

export function registerClusterTargets(ctx: ServerContext, context: () => string | undefined): ClusterTargets {
  /** This session's choices per deployment id, for the context they were made in. */
  let chosen = new Map<string, boolean>();
  let chosenFor: string | undefined;
  let lastSent = '';

  function folderTargets(current: string | undefined): FolderTarget[] {
    const out: FolderTarget[] = [];
    for (const f of ctx.folders.list()) {
      const base = f.uri.endsWith('/') ? f.uri : `${f.uri}/`;
      for (const [key, contexts] of Object.entries(ctx.settingsFor(base).clusterTargets)) {
        const folder = resolveKey(base, key);
        if (!folder) continue;
        const here = current !== undefined && contexts.includes(current);
        out.push({
          folder,
          compare: here,
          reason: 'setting',
          detail: `brokerkit.clusterTargets maps ${key} to ${contexts.join(', ')}`,
        });
      }
    }
    return out;
  }

  function apply(): void {
    const current = context();
    if (current !== chosenFor) {
      chosen = new Map();
      chosenFor = current;
    }
    const byFolder = folderTargeting(folderTargets(current));
    const session = chosen;
    const targeting: ClusterTargeting = {
      choose(d) {
        const c = session.get(d.id);
        if (c !== undefined)
          return {
            compare: c,
            reason: 'command',
            detail: c ? 'you chose to compare it in this session' : 'you chose not to compare it in this session',
          };
        return byFolder.choose(d);
      },
    };
    ctx.workspace.setClusterTargeting(targeting);
  }

  function result(): ClusterTargetsResult {
    ctx.store.sync();
    const facts = ctx.workspace.getFacts();
    if (!facts) return { targets: [] };
    const targets: ClusterTargetInfo[] = ctx.workspace.clusterTargets().map((t) => ({ ...t }));
    return { context: facts.source ?? context(), targets };
  }

  ctx.validation.afterPublish.push(() => {
    const facts = ctx.workspace.getFacts();
    const r: ClusterTargetsResult = facts
      ? { context: facts.source ?? context(), targets: ctx.workspace.clusterTargets() }
      : { targets: [] };
    const key = JSON.stringify(r);
    if (key === lastSent) return;
    lastSent = key;
    void ctx.connection.sendNotification(Methods.clusterTargetsChanged, r);
  });

  ctx.connection.onRequest(Methods.clusterTargets, (): ClusterTargetsResult => result());

  ctx.connection.onRequest(
    Methods.clusterCompareDeployment,
    (p: ClusterCompareDeploymentParams): ClusterTargetsResult => {
      ctx.store.sync();
      const ids = p.id !== undefined ? [p.id] : p.uri ? (ctx.workspace.deploymentsOf(p.uri) ?? ['']) : [];
      if (ids.length === 0) throw new Error('name a file or a deployment');
      for (const id of ids) {
        if (p.compare === null) chosen.delete(id);
        else chosen.set(id, p.compare);
      }
      apply();
      ctx.requestValidation('cluster targets');
      return result();
    },
  );

  ctx.onSettings.push((previous) => {
    if (JSON.stringify(previous.clusterTargets) !== JSON.stringify(ctx.settings.clusterTargets)) {
      apply();
      ctx.requestValidation('cluster targets');
    }
  });
  apply();
  return { apply };
}

/** A setting's key (a path relative to the workspace folder, or absolute) as a folder URI ending in '/'. */
function resolveKey(base: string, key: string): string | undefined {
  let k = key.replace(/\\/g, '/').trim().replace(KUSTOMIZATION, '');
  if (k.startsWith('/')) return withSlash(pathToFileURL(k).href);
  const segs: string[] = [];
  for (const s of k.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (!segs.length) return undefined;
      segs.pop();
    } else segs.push(encodeURIComponent(s));
  }
  k = segs.join('/');
  return withSlash(k ? base + k : base);
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}
