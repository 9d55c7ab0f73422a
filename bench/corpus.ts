// Synthetic but realistic AIO workspaces for benchmarks: listeners in many namespaces, their authentication,
// issuers, TLS secrets (metadata only), Service Connector workloads and unrelated kinds.
export function documents(count: number, seed = 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const ns = `team-${Math.floor(i / 10)}-${seed}`;
    switch (i % 10) {
      // Each listener refers to the BrokerAuthentication of its namespace (document i - i % 10 + 2); node ports are
      // allocated cluster-wide, so each NodePort listener gets its own.
      case 0:
        out.push(listener(`lb-${i}`, ns, 'LoadBalancer', [1883, 8883], `authn-${i + 2}`));
        break;
      case 1:
        out.push(
          listener(
            `np-${i}`,
            ns,
            'NodePort',
            [30883],
            `authn-${i + 1}`,
            30000 + ((seed - 1 + Math.floor(i / 10) * 7) % 2768),
          ),
        );
        break;
      case 2:
        out.push(`apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: authn-${i}
  namespace: ${ns}
spec:
  authenticationMethods:
  - method: ServiceAccountToken
    serviceAccountTokenSettings:
      audiences: [aio-internal]
`);
        break;
      case 3:
        out.push(`apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: issuer-${i}
  namespace: ${ns}
spec:
  ca:
    secretName: ca-${i}
`);
        break;
      case 4:
        out.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels: { app: app-${i} }
  template:
    metadata:
      labels: { app: app-${i}, azure.workload.identity/use: "true" }
    spec:
      serviceAccountName: sc-account-${i}
      containers:
      - name: app
        image: example.azurecr.io/app:${i}
        envFrom:
        - secretRef: { name: sc-secret-${i} }
`);
        break;
      case 5:
        out.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-${i}
  namespace: ${ns}
data:
  key: "value ${i}"
  other: |
    line one
    line two
`);
        break;
      case 6:
        out.push(`apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthorization
metadata:
  name: authz-${i}
  namespace: ${ns}
spec:
  authorizationPolicies:
    cache: Enabled
    rules:
    - principals:
        clientIds: ["client-${i}"]
      brokerResources:
      - method: Connect
      - method: Publish
        topics: ["sensors/{principal.clientId}/#"]
`);
        break;
      case 7:
        out.push(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: sc-account-${i}
  namespace: ${ns}
  annotations:
    azure.workload.identity/client-id: 00000000-0000-0000-0000-${String(i).padStart(12, '0')}
`);
        break;
      case 8:
        out.push(`apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: ${ns}
spec:
  selector: { app: app-${i} }
  ports:
  - port: 80
    targetPort: 8080
`);
        break;
      default:
        out.push(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: cert-${i}
  namespace: ${ns}
spec:
  secretName: cert-${i}
  duration: 2160h
  renewBefore: 360h
  issuerRef:
    name: issuer-${i - 6}
  dnsNames: [broker-${i}.example.com]
`);
    }
  }
  return out;
}

function listener(name: string, ns: string, type: string, ports: number[], authn: string, nodePort?: number): string {
  const p = ports
    .map(
      (port, k) => `  - port: ${port}
    protocol: Mqtt
    authenticationRef: ${authn}
${
  k > 0 || type === 'NodePort'
    ? `    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: azure-iot-operations-aio-certificate-issuer
          kind: ClusterIssuer
          group: cert-manager.io
        duration: 2160h
        renewBefore: 240h
`
    : ''
}${type === 'NodePort' ? `    nodePort: ${nodePort ?? port}\n` : ''}`,
    )
    .join('');
  return `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  brokerRef: default
  serviceType: ${type}
  ports:
${p}`;
}

export function file(count: number, seed = 1): string {
  return documents(count, seed).join('---\n');
}

/** Edits one character inside document `index` of a file made by file(). */
export function editOne(text: string, docs: string[], index: number, variant: number): string {
  const start = docs.slice(0, index).reduce((n, d) => n + d.length + 4, 0);
  const at = start + docs[index].indexOf('name: ') + 6;
  return text.slice(0, at) + String.fromCharCode(97 + (variant % 26)) + text.slice(at + 1);
}

/**
 * A crowded workspace: nine documents in ten are listeners (LoadBalancer and NodePort by turns) and every `share`
 * documents share a namespace and so a broker, where their ports, node ports and service types clash and the
 * listener limit is passed: about five findings per document (5,000-odd for 1,000 documents).
 */
export function crowdedDocuments(count: number, share = 100): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const ns = `crowd-${Math.floor(i / share)}`;
    const authn = `authn-${Math.floor(i / 10) * 10 + 9}`;
    if (i % 10 === 9)
      out.push(`apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: authn-${i}
  namespace: ${ns}
spec:
  authenticationMethods:
  - method: ServiceAccountToken
    serviceAccountTokenSettings:
      audiences: [aio-internal]
`);
    else if (i % 2 === 0) out.push(listener(`lb-${i}`, ns, 'LoadBalancer', [1883, 8883], authn));
    else out.push(listener(`np-${i}`, ns, 'NodePort', [30883], authn, 30000 + (Math.floor(i / 2) % 2768)));
  }
  return out;
}
