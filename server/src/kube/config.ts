// Kubeconfig loading: an explicit file, a list of files, or KUBECONFIG (several files, merged as kubectl does) or
// ~/.kube/config. Reading the files is the only I/O here; nothing talks to a cluster.
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { KubeError } from './errors';

export interface KubeconfigInfo {
  kc: KubeConfig;
  files: string[];
  contexts: { name: string; cluster: string; user: string; namespace?: string }[];
  currentContext: string;
}

/** The files kubectl would read: `explicit` wins, then KUBECONFIG (path-list), then ~/.kube/config. */
export function kubeconfigFiles(explicit?: string | string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit && (Array.isArray(explicit) ? explicit.length : explicit)) {
    return (Array.isArray(explicit) ? explicit : explicit.split(path.delimiter)).filter(Boolean);
  }
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean);
  return [path.join(env.HOME || homedir(), '.kube', 'config')];
}

export function loadKubeconfig(explicit?: string | string[], env: NodeJS.ProcessEnv = process.env): KubeconfigInfo {
  const files = kubeconfigFiles(explicit, env);
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) {
    throw new KubeError(
      'config',
      `no kubeconfig found (looked at ${files.join(', ')})`,
      'Set the brokerkit.kubeconfig setting or KUBECONFIG, or run az aks get-credentials.',
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(present[0]);
    for (const f of present.slice(1)) {
      const other = new KubeConfig();
      other.loadFromFile(f);
      // kubectl's merge: the first file that sets a name wins; current-context comes from the first file that has one.
      const known = (list: { name: string }[], name: string) => list.some((x) => x.name === name);
      for (const c of other.getClusters()) if (!known(kc.getClusters(), c.name)) kc.clusters.push(c);
      for (const u of other.getUsers()) if (!known(kc.getUsers(), u.name)) kc.users.push(u);
      for (const c of other.getContexts()) if (!known(kc.getContexts(), c.name)) kc.contexts.push(c);
      if (!kc.getCurrentContext() && other.getCurrentContext()) kc.setCurrentContext(other.getCurrentContext());
    }
  } catch (e) {
    throw new KubeError(
      'config',
      `cannot read the kubeconfig: ${(e as Error).message}`,
      `Fix the file(s): ${present.join(', ')}`,
    );
  }
  const contexts = kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    user: c.user,
    ...(c.namespace ? { namespace: c.namespace } : {}),
  }));
  const current = kc.getCurrentContext() || contexts[0]?.name || '';
  return { kc, files: present, contexts, currentContext: current };
}

/** Selects a context (the current one when `context` is absent); an unknown name is a config error. */
export function selectContext(info: KubeconfigInfo, context?: string): string {
  const name = context || info.currentContext;
  if (!name)
    throw new KubeError('config', 'the kubeconfig has no contexts', 'Add a context, e.g. with az aks get-credentials.');
  if (!info.contexts.some((c) => c.name === name)) {
    throw new KubeError(
      'config',
      `context '${name}' is not in the kubeconfig`,
      `Known contexts: ${info.contexts.map((c) => c.name).join(', ') || 'none'}.`,
    );
  }
  return name;
}
