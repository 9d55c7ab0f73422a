// The public pages BrokerKit's rules rest on, with the short label shown for each where a whole URL is too long (the
// README rule table, `brokerkit explain`, hover). Rules list their sources as plain URLs in `RuleMeta.sources`; every
// such URL has a label here (test/unit/rule-docs.test.ts checks it), and every page in docs/rules links them.

const AIO = 'https://learn.microsoft.com/azure/iot-operations';

export const SOURCE_LABELS: Readonly<Record<string, string>> = {
  [`${AIO}/manage-mqtt-broker/overview-broker`]: 'AIO: MQTT broker overview',
  [`${AIO}/manage-mqtt-broker/howto-configure-brokerlistener`]: 'AIO: BrokerListener',
  [`${AIO}/manage-mqtt-broker/howto-configure-tls-auto`]: 'AIO: automatic TLS',
  [`${AIO}/manage-mqtt-broker/howto-configure-tls-manual`]: 'AIO: manual TLS',
  [`${AIO}/manage-mqtt-broker/howto-configure-authentication`]: 'AIO: authentication',
  [`${AIO}/manage-mqtt-broker/howto-configure-authorization`]: 'AIO: authorization',
  [`${AIO}/manage-mqtt-broker/howto-test-connection`]: 'AIO: test connectivity',
  [`${AIO}/secure-iot-ops/howto-manage-certificates`]: 'AIO: manage certificates',
  'https://learn.microsoft.com/cli/azure/iot/ops#az-iot-ops-check': 'az iot ops check',
  'https://learn.microsoft.com/azure/service-connector/how-to-use-service-connector-in-aks': 'Service Connector in AKS',
  'https://learn.microsoft.com/azure/aks/workload-identity-overview': 'AKS: workload identity',
  'https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html':
    'Azure Workload Identity: labels and annotations',
  'https://cert-manager.io/docs/usage/certificate/': 'cert-manager: Certificate',
  'https://cert-manager.io/docs/concepts/issuer/': 'cert-manager: Issuer',
  'https://cert-manager.io/docs/configuration/ca/': 'cert-manager: CA issuer',
  'https://cert-manager.io/docs/reference/api-docs/': 'cert-manager: API reference',
  'https://kubernetes.io/docs/concepts/services-networking/service/': 'Kubernetes: Service',
  'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport': 'Kubernetes: NodePort',
  'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names':
    'Kubernetes: RFC 1035 label names',
  'https://kubernetes.io/docs/concepts/configuration/secret/#tls-secrets': 'Kubernetes: TLS Secrets',
  'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/':
    'Kubernetes: CustomResourceDefinitions',
  'https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation': 'Kubernetes: field validation',
  'https://pkg.go.dev/time#ParseDuration': 'Go: time.ParseDuration',
  'https://yaml.org/spec/1.2.2/': 'YAML 1.2',
  'https://code.visualstudio.com/docs/getstarted/settings': 'VS Code: settings',
};

/** Hosts a rule page or a rule's metadata may link to. */
export const SOURCE_HOSTS: ReadonlySet<string> = new Set([
  'learn.microsoft.com',
  'azure.github.io',
  'cert-manager.io',
  'kubernetes.io',
  'pkg.go.dev',
  'yaml.org',
  'code.visualstudio.com',
]);

/** The label of a source URL; its host and path when it has none. */
export function sourceLabel(url: string): string {
  const known = SOURCE_LABELS[url];
  if (known) return known;
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}
