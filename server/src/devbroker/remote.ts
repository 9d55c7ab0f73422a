// What other machines could do with a dev broker bound to a non-loopback address. The dev broker is a development
// tool: ports without authentication accept anyone, ServiceAccountToken tokens are not verified (no signature check,
// by design), and Custom authentication is not emulated (clients are allowed). Serving such ports beyond this machine
// takes --allow-remote.
import type { DevBrokerPlan } from './plan';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/** One line per port another machine could use without real credentials; empty when every port checks them. */
export function openToAnyone(plan: DevBrokerPlan): string[] {
  const out: string[] = [];
  for (const p of plan.ports) {
    const methods = p.authn?.methods ?? [];
    if (!methods.length) {
      out.push(`port ${p.port}: no authentication — anyone who reaches it can connect, subscribe to '#' and publish`);
      continue;
    }
    if (methods.some((m) => m.kind === 'ServiceAccountToken'))
      out.push(
        `port ${p.port}: ServiceAccountToken authentication — the dev broker does not verify token signatures, so anyone can forge a token`,
      );
    else if (methods.some((m) => m.kind === 'Custom'))
      out.push(`port ${p.port}: Custom authentication is not emulated — every client is allowed`);
  }
  return out;
}
