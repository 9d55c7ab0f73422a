// The objects AIO creates itself. They exist on every AIO cluster, so rules
// treat them as present unless cluster facts say otherwise.
import { AIO_GROUP, CERT_MANAGER_GROUP, Resource, toResource } from './resources';

export const DEFAULT_LISTENER_NAME = 'default';
export const DEFAULT_SERVICE_NAME = 'aio-broker';
export const DEFAULT_PORT = 18883;
export const DEFAULT_ISSUER = 'azure-iot-operations-aio-certificate-issuer';
export const TRUST_BUNDLE_CONFIGMAP = 'azure-iot-operations-aio-ca-trust-bundle';

export function builtinObjects(namespace: string): Resource[] {
  const objs = [
    {
      apiVersion: `${AIO_GROUP}/v1`,
      kind: 'BrokerListener',
      metadata: { name: DEFAULT_LISTENER_NAME, namespace },
      spec: {
        serviceName: DEFAULT_SERVICE_NAME,
        serviceType: 'ClusterIp',
        ports: [
          {
            port: DEFAULT_PORT,
            authenticationRef: 'default',
            protocol: 'Mqtt',
            tls: {
              mode: 'Automatic',
              certManagerCertificateSpec: {
                issuerRef: { name: DEFAULT_ISSUER, kind: 'ClusterIssuer', group: CERT_MANAGER_GROUP },
                privateKey: { algorithm: 'Ec256', rotationPolicy: 'Always' },
              },
            },
          },
        ],
      },
    },
    {
      apiVersion: `${AIO_GROUP}/v1`,
      kind: 'BrokerAuthentication',
      metadata: { name: 'default', namespace },
      spec: {
        authenticationMethods: [
          { method: 'ServiceAccountToken', serviceAccountTokenSettings: { audiences: ['aio-internal'] } },
        ],
      },
    },
    {
      apiVersion: `${CERT_MANAGER_GROUP}/v1`,
      kind: 'ClusterIssuer',
      metadata: { name: DEFAULT_ISSUER },
      spec: { ca: { secretName: 'azure-iot-operations-aio-ca-certificate' } },
    },
    {
      apiVersion: `${AIO_GROUP}/v1`,
      kind: 'Broker',
      metadata: { name: 'default', namespace },
      spec: {},
    },
  ];
  return objs.map((o) => toResource(o, 'builtin', namespace)!);
}
