// Cluster facts for `check --kubeconfig`: list what validation needs from the cluster once, then stop. A cluster that
// cannot be reached at all is an error (exit 2 with the reason); a partial view (e.g. no permission on secrets) is a
// warning on stderr and the facts are marked incomplete, so AIO's built-in objects are still assumed.
import type { Facts } from '../engine';

export async function loadClusterFacts(kubeconfig: string, context?: string, namespace?: string): Promise<Facts> {
  const kube = await import('../kube');
  const { session } = kube.connect({
    kubeconfig,
    context,
    namespace,
    client: { requestTimeoutMs: 15_000, execTimeoutMs: 30_000 },
  });
  const release = session.need('facts');
  try {
    await session.settled('facts');
    const snap = session.snapshot();
    const model = kube.inspectModel(snap);
    const slices = Object.values(snap.resources);
    const failing = model.problems.filter((p) => p.resource === 'cluster');
    if (slices.length && slices.every((s) => !s!.synced) && failing.length) {
      throw new Error(
        `cannot read the cluster (context ${snap.context}): ${failing[0].message}${failing[0].hint ? `. ${failing[0].hint}` : ''}`,
      );
    }
    for (const p of model.problems)
      process.stderr.write(`brokerkit check: warning: ${p.message}${p.hint ? ` (${p.hint})` : ''}\n`);
    return kube.clusterFacts(snap);
  } finally {
    release();
    session.stop();
  }
}
