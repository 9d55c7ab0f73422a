// The automatic server certificate covers the listener's service names; a
// LoadBalancer or NodePort listener is reached from outside by an external IP or host name, which must be added
// under `san` or clients that check the host name (mosquitto, MQTT.js, ...) refuse the connection.
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';

const EXTERNAL = new Set(['LoadBalancer', 'loadBalancer', 'NodePort', 'nodePort']);

const rule: DocumentRule = {
  scope: 'document',
  code: 'tls-san-missing',
  severity: 'info',
  title:
    'A LoadBalancer/NodePort listener port has automatic TLS but no extra SANs, so clients connecting by external IP or host name fail the host-name check.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto'],
  applies: (r) => isAio(r, 'BrokerListener'),
  check(r, ctx) {
    const type = r.value.spec?.serviceType;
    if (!EXTERNAL.has(type)) return;
    const ports = r.value.spec?.ports;
    if (!Array.isArray(ports)) return;
    ports.forEach((p: any, i: number) => {
      const c = p?.tls?.certManagerCertificateSpec;
      if (!c || typeof c !== 'object' || Array.isArray(c)) return;
      const san = c.san;
      const count = (x: unknown) => (Array.isArray(x) ? x.length : 0);
      if (san && typeof san === 'object' && count(san.dns) + count(san.ip) > 0) return;
      const external =
        type.toLowerCase() === 'loadbalancer' ? "load balancer's external IP or DNS name" : 'node IPs or host names';
      ctx.report({
        path: ['spec', 'ports', i, 'tls', 'certManagerCertificateSpec'],
        key: true,
        message: `This ${type} port's certificate only names the in-cluster service. Clients outside the cluster reach it by the ${external}; add those under san.ip / san.dns so their TLS host-name check passes.`,
        data: { serviceType: type },
      });
    });
  },
};
export default rule;
