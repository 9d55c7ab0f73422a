// brokerkit inspect [--kubeconfig F] [--context C] [--namespace N] [--json]: what runs in the cluster, as the two trees
// of the editor ("Broker Listeners", "Service Connector") in text, or as JSON. Exit 0, or 2 when the cluster cannot be
// reached (the reason on stderr).
import { parseArgs, flag } from './usage';
import type { Command } from './commands';

const command: Command = {
  name: 'inspect',
  summary: 'Show the broker listeners and Service Connector state of a live cluster (text or --json).',
  usage: 'brokerkit inspect [--kubeconfig FILE] [--context NAME] [--namespace NS] [--json] [--timeout SECONDS]',
  async run(args) {
    const p = parseArgs(args, { values: ['kubeconfig', 'context', 'namespace', 'timeout'], booleans: ['json'] });
    const timeout = Number(flag(p, 'timeout') ?? 15);
    const kube = await import('../kube');
    let conn;
    try {
      conn = kube.connect({
        kubeconfig: flag(p, 'kubeconfig'),
        context: flag(p, 'context'),
        namespace: flag(p, 'namespace'),
        client: { requestTimeoutMs: timeout * 1000, execTimeoutMs: Math.max(timeout, 20) * 1000 },
      });
    } catch (e) {
      const err = e as { message: string; hint?: string };
      process.stderr.write(`brokerkit inspect: ${err.message}${err.hint ? `\n${err.hint}` : ''}\n`);
      return 2;
    }
    const { session } = conn;
    const releases = [session.need('listeners'), session.need('serviceConnector')];
    try {
      await Promise.all([session.settled('listeners'), session.settled('serviceConnector')]);
      await session.logsSettled();
      const snap = session.snapshot();
      const model = kube.inspectModel(snap);
      const slices = Object.values(snap.resources);
      const cluster = model.problems.find((x) => x.resource === 'cluster');
      if (cluster && slices.every((s) => !s!.synced)) {
        process.stderr.write(
          `brokerkit inspect: cannot reach the cluster of context '${snap.context}': ${cluster.message}${cluster.hint ? `\n${cluster.hint}` : ''}\n`,
        );
        return 2;
      }
      if (p.flags.has('json')) {
        process.stdout.write(JSON.stringify(model, null, 2) + '\n');
      } else {
        const out = [
          'Broker Listeners',
          kube.treeText(kube.listenersTree(snap), '  '),
          '',
          'Service Connector',
          kube.treeText(kube.serviceConnectorTree(snap), '  '),
        ];
        process.stdout.write(out.join('\n') + '\n');
      }
      return 0;
    } finally {
      for (const r of releases) r();
      session.stop();
    }
  },
};
export default command;
