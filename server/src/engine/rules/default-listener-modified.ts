// AIO's `default` listener carries AIO's own in-cluster traffic
// (aio-broker:18883, SAT authentication `default`, automatic TLS from the AIO issuer). Only adding ports is supported;
// changing its service type, service name or the 18883 port's authentication, protocol or TLS is not. Values the
// document leaves out are not changes (an apply keeps them); values it states differently are. Because an apply
// replaces the whole `ports` list, a `ports` list without 18883 removes that port.
//
// data: { setting: string (which setting), documented: string (AIO's value), replace?: string (text that restores it,
// when the finding's range is the changed value) }
import type { DocumentRule, Report } from '../rule';
import { isAio } from '../resources';
import { canonicalServiceType, isTlsOff } from '../listener-model';
import { DEFAULT_ISSUER, DEFAULT_LISTENER_NAME, DEFAULT_PORT, DEFAULT_SERVICE_NAME } from '../builtins';

const rule: DocumentRule = {
  scope: 'document',
  code: 'default-listener-modified',
  severity: 'warning',
  title:
    'AIO’s `default` listener is changed (service type, service name, or the 18883 port’s authentication, protocol or TLS); only adding ports is supported.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener'],
  applies: (r) => isAio(r, 'BrokerListener') && r.name === DEFAULT_LISTENER_NAME,
  check(r, ctx) {
    const spec = r.value.spec;
    if (!spec || typeof spec !== 'object') return;
    const tail =
      " AIO's own components rely on it; leave the default listener's settings as they are and create a separate listener for other needs (adding ports to it is fine).";
    const report = (rep: Report) => ctx.report({ ...rep, message: rep.message + tail });

    const type = canonicalServiceType(spec.serviceType);
    if (type !== undefined && type !== 'ClusterIp') {
      report({
        path: ['spec', 'serviceType'],
        message: `The default listener's service type is changed to '${spec.serviceType}' (AIO creates it as ClusterIp).`,
        data: { setting: 'serviceType', documented: 'ClusterIp', replace: 'ClusterIp' },
      });
    }
    if (typeof spec.serviceName === 'string' && spec.serviceName !== DEFAULT_SERVICE_NAME) {
      report({
        path: ['spec', 'serviceName'],
        message: `The default listener's service name is changed to '${spec.serviceName}'; in-cluster clients connect to '${DEFAULT_SERVICE_NAME}'.`,
        data: { setting: 'serviceName', documented: DEFAULT_SERVICE_NAME, replace: DEFAULT_SERVICE_NAME },
      });
    }
    if (!Array.isArray(spec.ports)) return;
    const i = spec.ports.findIndex((p: any) => p && typeof p === 'object' && p.port === DEFAULT_PORT);
    if (i < 0) {
      report({
        path: ['spec', 'ports'],
        key: true,
        message: `The ports list has no port ${DEFAULT_PORT}; applying it replaces the whole list and removes AIO's internal port.`,
        data: { setting: 'ports', documented: String(DEFAULT_PORT) },
      });
      return;
    }
    const p = spec.ports[i];
    const at = ['spec', 'ports', i];
    if (p.authenticationRef !== 'default') {
      const stated = typeof p.authenticationRef === 'string';
      report({
        path: stated ? [...at, 'authenticationRef'] : [...at, 'port'],
        message: stated
          ? `Port ${DEFAULT_PORT} of the default listener uses authentication '${p.authenticationRef}' instead of 'default'.`
          : `Port ${DEFAULT_PORT} of the default listener has no authenticationRef, which turns authentication off (AIO uses 'default').`,
        data: { setting: 'authenticationRef', documented: 'default', ...(stated ? { replace: 'default' } : {}) },
      });
    }
    if (p.protocol !== undefined && p.protocol !== null && String(p.protocol).toLowerCase() !== 'mqtt') {
      report({
        path: [...at, 'protocol'],
        message: `Port ${DEFAULT_PORT} of the default listener uses protocol '${p.protocol}' instead of Mqtt.`,
        data: { setting: 'protocol', documented: 'Mqtt', replace: 'Mqtt' },
      });
    }
    if (isTlsOff(p.tls)) {
      report({
        path: 'tls' in p ? [...at, 'tls'] : [...at, 'port'],
        key: 'tls' in p,
        message: `Port ${DEFAULT_PORT} of the default listener has no TLS (AIO uses automatic TLS from ClusterIssuer '${DEFAULT_ISSUER}').`,
        data: { setting: 'tls', documented: 'Automatic' },
      });
      return;
    }
    const tls = p.tls;
    if (typeof tls !== 'object') return;
    if (typeof tls.mode === 'string' && tls.mode.toLowerCase() !== 'automatic') {
      report({
        path: [...at, 'tls', 'mode'],
        message: `Port ${DEFAULT_PORT} of the default listener uses TLS mode '${tls.mode}' instead of Automatic.`,
        data: { setting: 'tls.mode', documented: 'Automatic' },
      });
      return;
    }
    const ref = tls.certManagerCertificateSpec?.issuerRef;
    if (ref && typeof ref === 'object') {
      // AIO names the issuer `<namespace>-aio-certificate-issuer` (azure-iot-operations-aio-certificate-issuer by default).
      const okNames = new Set([DEFAULT_ISSUER, `${r.namespace}-aio-certificate-issuer`]);
      if (typeof ref.name === 'string' && !okNames.has(ref.name)) {
        report({
          path: [...at, 'tls', 'certManagerCertificateSpec', 'issuerRef', 'name'],
          message: `Port ${DEFAULT_PORT} of the default listener gets its certificate from '${ref.name}' instead of ClusterIssuer '${DEFAULT_ISSUER}' (a customer-managed CA is set on the AIO instance, not here).`,
          data: { setting: 'tls.issuerRef.name', documented: DEFAULT_ISSUER, replace: DEFAULT_ISSUER },
        });
      } else if (typeof ref.kind === 'string' && ref.kind !== 'ClusterIssuer') {
        report({
          path: [...at, 'tls', 'certManagerCertificateSpec', 'issuerRef', 'kind'],
          message: `Port ${DEFAULT_PORT} of the default listener uses issuer kind '${ref.kind}' instead of ClusterIssuer.`,
          data: { setting: 'tls.issuerRef.kind', documented: 'ClusterIssuer', replace: 'ClusterIssuer' },
        });
      }
    }
  },
};

export default rule;
