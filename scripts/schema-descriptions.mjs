// Descriptions for the generated JSON schemas, in BrokerKit's own words. They feed hover and completion, so each one
// says what the field does, which values it takes, what happens when it is left out, and the AIO rule that applies.
// The CRD descriptions are NOT copied: scripts/gen-schemas.mjs drops them and uses these instead.
//
// Keys are schema paths: '' is the object itself, `a.b` a property, `[]` an array item, `{}` a value of an open map,
// `["tls.crt"]` a property whose name contains a dot.
// The structure comes from the CRDs in schemas/crds; AIO's behaviour from its documentation on learn.microsoft.com
// (the rule pages in docs/rules link the pages). `common` applies to every kind (unless the kind defines the same path).

const algorithm =
  "Key algorithm of the server certificate, in AIO's own spelling: `Ec256`, `Ec384`, `Ec521` (ECDSA on that curve), `Ed25519`, `Rsa2048`, `Rsa4096` or `Rsa8192`. The lowerCamel forms (`ec256`, ...) are accepted too. cert-manager's `ECDSA`/`RSA` plus `size` is NOT accepted here: write e.g. `Ec384` instead of `algorithm: ECDSA, size: 384`. Every certificate in a chain must use one key family (EC or RSA).";
const rotation =
  'What happens to the private key when the certificate is renewed: `Always` makes a new key each time (the default), `Never` keeps the key. `always`/`never` are accepted as well.';
const enabledToggle = (what, dflt = 'Enabled') =>
  `${what} \`Enabled\` or \`Disabled\` (lowerCamel \`enabled\`/\`disabled\` also accepted). Default: \`${dflt}\`.`;
const goDuration = (what, example) =>
  `${what} A Go duration made of numbers with the units \`h\`, \`m\` or \`s\` — e.g. \`${example}\`; days (\`90d\`) are not understood. The CRD accepts any string; cert-manager rejects a bad one later.`;
const pvc = {
  '': 'A PersistentVolumeClaim template (the standard Kubernetes PVC spec) for the message buffer volume.',
  accessModes: 'Access modes of the volume, e.g. `ReadWriteOnce`.',
  'accessModes[]': 'One access mode: `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` or `ReadWriteOncePod`.',
  dataSource: 'Pre-populate the volume from an existing object (a VolumeSnapshot or another PVC).',
  'dataSource.apiGroup': 'API group of the source object; leave it out for core kinds such as PersistentVolumeClaim.',
  'dataSource.kind': 'Kind of the source object, e.g. `VolumeSnapshot`.',
  'dataSource.name': 'Name of the source object.',
  dataSourceRef: 'Like `dataSource`, but may name any populator object.',
  'dataSourceRef.apiGroup': 'API group of the source object.',
  'dataSourceRef.kind': 'Kind of the source object.',
  'dataSourceRef.name': 'Name of the source object.',
  resources: 'Storage size the claim asks for.',
  'resources.limits': 'Upper limits, e.g. `storage: 2Gi`. Values are quantities written as strings.',
  'resources.limits{}': 'A quantity such as `2Gi`.',
  'resources.requests': 'Requested size, e.g. `storage: 1Gi`. Values are quantities written as strings.',
  'resources.requests{}': 'A quantity such as `1Gi`.',
  selector: 'Only bind to volumes whose labels match.',
  'selector.matchExpressions': 'Label requirements; all must match.',
  'selector.matchExpressions[]': 'One label requirement.',
  'selector.matchExpressions[].key': 'The label key.',
  'selector.matchExpressions[].operator': '`In`, `NotIn`, `Exists` or `DoesNotExist`.',
  'selector.matchExpressions[].values': 'Values for `In`/`NotIn`; empty for `Exists`/`DoesNotExist`.',
  'selector.matchExpressions[].values[]': 'One label value.',
  'selector.matchLabels': 'Labels a volume must carry.',
  'selector.matchLabels{}': 'The label value.',
  storageClassName: 'StorageClass to provision the volume from; leave it out for the cluster default.',
  volumeMode: '`Filesystem` (default) or `Block`.',
  volumeName: 'Bind to this existing PersistentVolume.',
};
const prefixed = (prefix, table) =>
  Object.fromEntries(Object.entries(table).map(([k, v]) => [k ? `${prefix}.${k}` : prefix, v]));

const issuerSpec = (scope) => ({
  spec: `How this ${scope} signs certificates. Set exactly one issuer type: \`selfSigned\`, \`ca\`, \`acme\`, \`vault\` or \`venafi\` (cert-manager's webhook checks that; the CRD does not).`,
  'spec.selfSigned':
    'Sign each certificate with its own private key. `selfSigned: {}` is enough; used to bootstrap a CA certificate (`isCA: true`) as in the AIO TLS how-to.',
  'spec.selfSigned.crlDistributionPoints': 'CRL distribution point URLs written into issued certificates.',
  'spec.selfSigned.crlDistributionPoints[]': 'A URL.',
  'spec.ca': 'Sign certificates with a CA key pair stored in a Secret.',
  'spec.ca.secretName':
    scope === 'ClusterIssuer'
      ? "Name of the `kubernetes.io/tls` Secret holding the CA certificate and key. For a ClusterIssuer it is read from cert-manager's cluster resource namespace (AIO's default ClusterIssuer reads `azure-iot-operations-aio-ca-certificate` from `cert-manager`)."
      : "Name of the `kubernetes.io/tls` Secret holding the CA certificate and key, in the Issuer's own namespace. Required.",
  'spec.ca.crlDistributionPoints': 'CRL distribution point URLs written into issued certificates.',
  'spec.ca.crlDistributionPoints[]': 'A URL.',
  'spec.ca.ocspServers': 'OCSP server URLs written into issued certificates.',
  'spec.ca.ocspServers[]': 'A URL.',
  'spec.acme':
    "Get certificates from an ACME server such as Let's Encrypt. Requires `server` and `privateKeySecretRef`; BrokerKit does not check the settings below this level.",
  'spec.acme.server': 'ACME directory URL, e.g. `https://acme-v02.api.letsencrypt.org/directory`.',
  'spec.acme.email': 'Contact email for the ACME account.',
  'spec.acme.privateKeySecretRef': 'Secret that stores the ACME account key (created when missing).',
  'spec.acme.solvers': 'How challenges are solved (HTTP-01 or DNS-01).',
  'spec.acme.caBundle': 'Base64 PEM CA bundle to trust for the ACME server (instead of the system roots).',
  'spec.acme.skipTLSVerify': 'Skip TLS verification of the ACME server. For tests only.',
  'spec.acme.disableAccountKeyGeneration':
    'Use an existing account key from `privateKeySecretRef` instead of generating one.',
  'spec.acme.enableDurationFeature':
    "Ask the ACME server for the Certificate's `duration` (not all servers support it).",
  'spec.acme.externalAccountBinding': 'External account binding for ACME servers that need one.',
  'spec.acme.preferredChain': 'Common name of the root of the preferred certificate chain.',
  'spec.vault.caBundle': 'Base64 PEM CA bundle to trust for the Vault server.',
  'spec.vault.caBundleSecretRef': 'Secret key holding the CA bundle for the Vault server.',
  'spec.vault.namespace': 'Vault Enterprise namespace.',
  'spec.venafi.cloud': 'Venafi Cloud connection settings.',
  'spec.venafi.tpp': 'Venafi TPP connection settings.',
  'spec.vault': "Sign certificates with HashiCorp Vault's PKI engine. Requires `server`, `path` and `auth`.",
  'spec.vault.server': 'Vault server URL.',
  'spec.vault.path': 'Vault path of the signing role, e.g. `pki/sign/example`.',
  'spec.vault.auth': 'How cert-manager authenticates to Vault.',
  'spec.venafi': 'Sign certificates with Venafi TPP or Cloud. Requires `zone`.',
  'spec.venafi.zone': 'The Venafi policy zone.',
  status: `Written by cert-manager (Ready condition). Not part of what you apply; BrokerKit does not check it.`,
});

export default {
  common: {
    metadata: 'Name, namespace, labels and annotations of the object.',
    'metadata.name': 'Name of the object; unique per kind in its namespace.',
    'metadata.namespace':
      'Namespace of the object. AIO objects belong in the namespace of the AIO instance, `azure-iot-operations` by default; BrokerKit assumes that namespace when this is missing.',
    'metadata.labels': 'Key/value labels. Values must be strings (quote `"true"`).',
    'metadata.labels{}': 'A label value (a string).',
    'metadata.annotations': 'Key/value annotations. Values must be strings.',
    'metadata.annotations{}': 'An annotation value (a string).',
    status:
      'Written by the AIO operator (provisioning and runtime status). Not part of what you apply; the API server ignores it on create and update, and BrokerKit does not check it.',
  },

  BrokerListener: {
    '': "An AIO MQTT broker listener: a Kubernetes Service plus the ports on which the broker accepts clients, each with its own protocol, TLS and authentication. A broker has at most three listeners, one per service type; AIO's `default` listener (ClusterIp, service `aio-broker`, port 18883) is already there.",
    apiVersion:
      'Use `mqttbroker.iotoperations.azure.com/v1` (AIO GA). `v1beta1` is a preview version; `mq.iotoperations.azure.com` is the pre-GA IoT MQ API that AIO no longer serves.',
    kind: '`BrokerListener`.',
    spec: 'What the listener exposes: the broker it belongs to, its Service (type and name) and its ports. Only `ports` is required.',
    'spec.brokerRef':
      "The Broker this listener belongs to. AIO allows one Broker, named `default`, so the value is `default`. Optional: a listener can also be tied to the Broker through an ownerReference, as AIO's own `default` listener is.",
    'spec.serviceName':
      "Name of the Kubernetes Service AIO creates for this listener; clients connect to it. Defaults to the listener's name. Must be a valid Service name (lower-case DNS-1035 label, at most 63 characters) and unique in the namespace; `aio-broker` belongs to the `default` listener.",
    'spec.serviceType':
      "Type of the listener's Kubernetes Service: `ClusterIp` (in-cluster only; the default), `LoadBalancer` (an external IP) or `NodePort` (a port on every node). Note AIO's spelling `ClusterIp`, not Kubernetes' `ClusterIP`, which the API server rejects; the lowerCamel forms `clusterIp`, `loadBalancer`, `nodePort` are accepted too. Each service type may be used by only one listener of the broker, and `default` already takes ClusterIp.",
    'spec.ports':
      'The TCP ports of this listener. Required (may not be left out). Port numbers must be unique across all listeners of the broker; 18883 belongs to the `default` listener.',
    'spec.ports[]': 'One port: its number, protocol, and optionally TLS, authentication and authorization.',
    'spec.ports[].port':
      "TCP port clients connect to (required). The CRD allows 0-65535; use 1-65535, since a Kubernetes Service rejects 0. Must not be used by another port of this broker's listeners (18883 is `default`'s).",
    'spec.ports[].nodePort':
      "Fixed node port for this port, only used when the listener's `serviceType` is `NodePort`. Kubernetes only accepts 30000-32767 (its default node-port range); leave it out to let Kubernetes pick one.",
    'spec.ports[].protocol':
      '`Mqtt` (plain MQTT over TCP; the default) or `WebSockets` (MQTT over WebSockets). Also accepted: `mqtt`, `webSockets`. Other casings such as `MQTT` or `Websockets` are rejected.',
    'spec.ports[].authenticationRef':
      "Name of a BrokerAuthentication in the listener's namespace that clients on this port must pass, e.g. `default`. Leave it out to allow anonymous clients (testing only).",
    'spec.ports[].authorizationRef':
      "Name of a BrokerAuthorization in the listener's namespace that limits what clients may do. It only takes effect when the port also has `authenticationRef`.",
    'spec.ports[].tls':
      'Server TLS for this port. Needs `mode` and exactly one of `certManagerCertificateSpec` (automatic, from cert-manager) or `manual` (a Secret you create). Leave it out, or write `tls:` with no value, for a plain-text port.',
    'spec.ports[].tls.mode':
      '`Automatic` (certificate issued by cert-manager; use with `certManagerCertificateSpec`) or `Manual` (your own Secret; use with `manual`). Required when `tls` is set. The CRD takes any string, so BrokerKit checks that the mode matches the option.',
    'spec.ports[].tls.certManagerCertificateSpec':
      'Automatic TLS: AIO asks cert-manager for the server certificate and renews it. Only `issuerRef` is required; everything else has sensible defaults.',
    'spec.ports[].tls.certManagerCertificateSpec.issuerRef':
      'The cert-manager issuer that signs the server certificate. `name` and `kind` are required; `group` defaults to `cert-manager.io`.',
    'spec.ports[].tls.certManagerCertificateSpec.issuerRef.name':
      "Name of the Issuer or ClusterIssuer. AIO's quickstart ClusterIssuer is `azure-iot-operations-aio-certificate-issuer` (for development only). An Issuer must be in the listener's namespace.",
    'spec.ports[].tls.certManagerCertificateSpec.issuerRef.kind':
      "`Issuer` (namespaced, in the listener's namespace) or `ClusterIssuer` (cluster-wide). Exactly these spellings: `clusterIssuer` is rejected.",
    'spec.ports[].tls.certManagerCertificateSpec.issuerRef.group':
      'API group of the issuer. Default `cert-manager.io`; external issuers use their own group.',
    'spec.ports[].tls.certManagerCertificateSpec.privateKey':
      "The server certificate's private key. When given, both `algorithm` and `rotationPolicy` are required. Default: `Ec256` with rotation `Always`.",
    'spec.ports[].tls.certManagerCertificateSpec.privateKey.algorithm': algorithm,
    'spec.ports[].tls.certManagerCertificateSpec.privateKey.rotationPolicy': rotation,
    'spec.ports[].tls.certManagerCertificateSpec.duration': goDuration(
      "How long the server certificate is valid. At least `1h`; longer than `renewBefore`. AIO's docs give 90 days (`2160h`) as the default.",
      '2160h',
    ),
    'spec.ports[].tls.certManagerCertificateSpec.renewBefore': goDuration(
      'How long before expiry the certificate is renewed. At least `5m` and shorter than `duration`.',
      '240h',
    ),
    'spec.ports[].tls.certManagerCertificateSpec.san':
      'Extra Subject Alternative Names for the server certificate. Add the external host name or IP that clients outside the cluster use, or their hostname check fails.',
    'spec.ports[].tls.certManagerCertificateSpec.san.dns':
      'Extra DNS names, e.g. `mqtt.example.com` (wildcards like `*.example.com` allowed). Default: none.',
    'spec.ports[].tls.certManagerCertificateSpec.san.dns[]': 'A DNS name.',
    'spec.ports[].tls.certManagerCertificateSpec.san.ip':
      "Extra IP addresses (IPv4 or IPv6), e.g. the LoadBalancer's external IP. Default: none.",
    'spec.ports[].tls.certManagerCertificateSpec.san.ip[]': 'An IP address.',
    'spec.ports[].tls.certManagerCertificateSpec.secretName':
      'Name of the Secret where cert-manager writes the server certificate. Anything already in that Secret is overwritten, so do not point two ports (or a `manual.secretRef`) at the same name.',
    'spec.ports[].tls.manual':
      'Manual TLS: you provide the server certificate and key in a `kubernetes.io/tls` Secret.',
    'spec.ports[].tls.manual.secretRef':
      "Name of the `kubernetes.io/tls` Secret (keys `tls.crt` and `tls.key`) in the listener's namespace, e.g. made with `kubectl create secret tls`. `tls.crt` holds the chain: server certificate first, then the intermediates. Until the Secret exists, the broker pods wait for it.",
  },

  BrokerAuthentication: {
    '': 'How the AIO MQTT broker authenticates clients. Listener ports use it through `authenticationRef`. AIO creates one named `default` (ServiceAccountToken with audience `aio-internal`) that its own components need.',
    apiVersion: 'Use `mqttbroker.iotoperations.azure.com/v1` (AIO GA). `v1beta1` is needed only for preview features.',
    kind: '`BrokerAuthentication`.',
    spec: 'The authentication methods. Only `authenticationMethods` is required.',
    'spec.authenticationMethods':
      "Methods tried in order; the first one that applies to a client's credentials decides. Required.",
    'spec.authenticationMethods[]':
      'One method: `method` names it and exactly one settings block configures it (`serviceAccountTokenSettings`, `x509Settings` or `customSettings`).',
    'spec.authenticationMethods[].method':
      'Which method this entry is: `ServiceAccountToken` (Kubernetes service account tokens), `X509` (client certificates; the port needs TLS) or `Custom` (your own HTTPS authentication server). The CRD takes any string.',
    'spec.authenticationMethods[].serviceAccountTokenSettings':
      'Settings for `method: ServiceAccountToken`: clients send a Kubernetes service account token (MQTT v5 enhanced authentication `K8S-SAT`).',
    'spec.authenticationMethods[].serviceAccountTokenSettings.audiences':
      'Token audiences the broker accepts. Required; give at least one. The `default` BrokerAuthentication must keep `aio-internal`.',
    'spec.authenticationMethods[].serviceAccountTokenSettings.audiences[]': 'An audience, e.g. `aio-internal`.',
    'spec.authenticationMethods[].x509Settings':
      'Settings for `method: X509`: clients present a certificate signed by a trusted CA. The listener port needs TLS for this to work. `x509Settings: {}` is valid.',
    'spec.authenticationMethods[].x509Settings.trustedClientCaCert':
      'ConfigMap with the PEM CA certificates that client certificates must chain to. Default: `client-ca`.',
    'spec.authenticationMethods[].x509Settings.authorizationAttributes':
      'Attributes for authorization, keyed by a name you choose; a client whose certificate chain matches `subject` gets the `attributes`.',
    'spec.authenticationMethods[].x509Settings.authorizationAttributes{}':
      'One attribute set: `subject` (required) and `attributes` (required).',
    'spec.authenticationMethods[].x509Settings.authorizationAttributes{}.subject':
      'Certificate subject to match, e.g. `CN = smart-fan`.',
    'spec.authenticationMethods[].x509Settings.authorizationAttributes{}.attributes':
      'Key/value attributes given to matching clients, used in BrokerAuthorization `principals.attributes`.',
    'spec.authenticationMethods[].x509Settings.authorizationAttributes{}.attributes{}': 'An attribute value.',
    'spec.authenticationMethods[].customSettings':
      'Settings for `method: Custom`: the broker forwards client credentials to your authentication server.',
    'spec.authenticationMethods[].customSettings.endpoint':
      'URL of the authentication server; it must be `https://`. Required.',
    'spec.authenticationMethods[].customSettings.caCertConfigMap':
      "ConfigMap with the CA certificate that the authentication server's certificate must chain to.",
    'spec.authenticationMethods[].customSettings.auth':
      'How the broker proves its identity to the authentication server. When present it must contain `x509`.',
    'spec.authenticationMethods[].customSettings.auth.x509':
      'Client certificate the broker presents to the authentication server.',
    'spec.authenticationMethods[].customSettings.auth.x509.secretRef':
      'Name of the `kubernetes.io/tls` Secret with that client certificate and key. Required.',
    'spec.authenticationMethods[].customSettings.headers': 'Extra HTTP headers sent to the authentication server.',
    'spec.authenticationMethods[].customSettings.headers{}': 'A header value.',
  },

  BrokerAuthorization: {
    '': 'What authenticated MQTT clients may do: connect, publish or subscribe to topics, and use the state store. Listener ports use it through `authorizationRef`; it only takes effect on ports that also have `authenticationRef`.',
    apiVersion: 'Use `mqttbroker.iotoperations.azure.com/v1` (AIO GA).',
    kind: '`BrokerAuthorization`.',
    spec: 'The authorization policies. Only `authorizationPolicies` is required.',
    'spec.authorizationPolicies': 'The policy: a cache setting and the rules. With no rules, every client is denied.',
    'spec.authorizationPolicies.cache': enabledToggle('Whether the broker caches authorization decisions:'),
    'spec.authorizationPolicies.rules':
      'Rules that grant access; a client is allowed what any matching rule grants. No rules = deny all.',
    'spec.authorizationPolicies.rules[]':
      'One rule: which clients (`principals`) may do what (`brokerResources`, `stateStoreResources`). `principals` and `brokerResources` are required.',
    'spec.authorizationPolicies.rules[].principals':
      'Which clients the rule applies to. A client matches if any listed client ID, username or attribute set matches (case-sensitive).',
    'spec.authorizationPolicies.rules[].principals.clientIds': 'MQTT client IDs. Default: none.',
    'spec.authorizationPolicies.rules[].principals.clientIds[]': 'A client ID.',
    'spec.authorizationPolicies.rules[].principals.usernames': 'MQTT usernames. Default: none.',
    'spec.authorizationPolicies.rules[].principals.usernames[]': 'A username.',
    'spec.authorizationPolicies.rules[].principals.attributes':
      'Attribute sets (from X.509 authorization attributes or `aio-broker-auth/` service account annotations); a client matches a set when it has all its key/values. Default: none.',
    'spec.authorizationPolicies.rules[].principals.attributes[]': 'A set of attribute key/values that must all match.',
    'spec.authorizationPolicies.rules[].principals.attributes[]{}': 'An attribute value.',
    'spec.authorizationPolicies.rules[].brokerResources': 'The MQTT operations granted. Required.',
    'spec.authorizationPolicies.rules[].brokerResources[]':
      'One grant: a `method` and, for Publish/Subscribe, the `topics`.',
    'spec.authorizationPolicies.rules[].brokerResources[].method':
      '`Connect`, `Publish` or `Subscribe` (lowerCamel also accepted). Required.',
    'spec.authorizationPolicies.rules[].brokerResources[].topics':
      'Topics or topic filters (`+`, `#`) the grant covers; needed for Publish and Subscribe. May use `{principal.clientId}`, `{principal.username}` and `{principal.attributes.<name>}`. Default: none.',
    'spec.authorizationPolicies.rules[].brokerResources[].topics[]': 'A topic or topic filter.',
    'spec.authorizationPolicies.rules[].brokerResources[].clientIds':
      'Client IDs this grant is limited to; only meaningful for `Connect`. Default: none.',
    'spec.authorizationPolicies.rules[].brokerResources[].clientIds[]': 'A client ID.',
    'spec.authorizationPolicies.rules[].stateStoreResources': "Access to keys of the broker's state store.",
    'spec.authorizationPolicies.rules[].stateStoreResources[]':
      'One state store grant: `keyType`, `keys` and `method`, all required.',
    'spec.authorizationPolicies.rules[].stateStoreResources[].keyType':
      'How `keys` are matched: `Pattern` (glob patterns), `String` (exact text) or `Binary` (base64-encoded bytes). lowerCamel also accepted.',
    'spec.authorizationPolicies.rules[].stateStoreResources[].keys': 'The keys (or patterns) covered.',
    'spec.authorizationPolicies.rules[].stateStoreResources[].keys[]': 'A key or pattern.',
    'spec.authorizationPolicies.rules[].stateStoreResources[].method':
      '`Read`, `Write` or `ReadWrite` (lowerCamel also accepted).',
  },

  Broker: {
    '': 'The AIO MQTT broker itself: scale, memory, diagnostics and internal settings. There is exactly one, named `default`, created with the AIO instance; it cannot be changed after deployment.',
    apiVersion: 'Use `mqttbroker.iotoperations.azure.com/v1` (AIO GA).',
    kind: '`Broker`.',
    spec: 'Broker settings; every field is optional and has a default.',
    'spec.memoryProfile':
      'Memory use of the broker pods: `Tiny`, `Low`, `Medium` (the default) or `High` (lowerCamel also accepted).',
    'spec.cardinality': 'How many broker pods run. When set, both `frontend` and `backendChain` are required.',
    'spec.cardinality.frontend': 'The frontend pods that clients connect to. `replicas` is required.',
    'spec.cardinality.frontend.replicas': 'Number of frontend pods, 1-16. Required.',
    'spec.cardinality.frontend.workers': 'Workers per frontend pod, 1-16. Default: 2.',
    'spec.cardinality.backendChain':
      'The backend pods that store messages. `partitions` and `redundancyFactor` are required.',
    'spec.cardinality.backendChain.partitions':
      'Number of backend partitions, 1-16. More partitions, more throughput. Required.',
    'spec.cardinality.backendChain.redundancyFactor':
      'Backend pods per partition, 1-5. More copies, more availability. Required.',
    'spec.cardinality.backendChain.workers': 'Workers per backend pod, 1-16. Default: 1.',
    'spec.generateResourceLimits': 'Whether the broker sets Kubernetes resource limits on its pods.',
    'spec.generateResourceLimits.cpu': enabledToggle('CPU limits on broker pods:'),
    'spec.diskBackedMessageBuffer':
      'Lets queues spill to disk instead of failing when memory is full. `maxSize` is required.',
    'spec.diskBackedMessageBuffer.maxSize':
      'Largest size of the on-disk buffer, a Kubernetes quantity such as `1G` or `500M`. Required.',
    ...prefixed('spec.diskBackedMessageBuffer.ephemeralVolumeClaimSpec', {
      ...pvc,
      '': 'Put the buffer on a generic ephemeral volume made from this PVC template (deleted with the pod). Standard Kubernetes PVC spec.',
    }),
    ...prefixed('spec.diskBackedMessageBuffer.persistentVolumeClaimSpec', {
      ...pvc,
      '': 'Put the buffer on a persistent volume claimed with this PVC template. Standard Kubernetes PVC spec.',
    }),
    'spec.advanced': 'Advanced settings: client limits, internal encryption, internal certificates and tolerations.',
    'spec.advanced.encryptInternalTraffic': enabledToggle("TLS between the broker's own pods:"),
    'spec.advanced.clients': 'Upper limits that apply to every client.',
    'spec.advanced.clients.maxKeepAliveSeconds': 'Highest MQTT keep-alive a client may use, in seconds (0-65535).',
    'spec.advanced.clients.maxMessageExpirySeconds': 'Highest message expiry interval, in seconds (1-4294967295).',
    'spec.advanced.clients.maxPacketSizeBytes': 'Largest MQTT packet accepted, in bytes (1-268435456).',
    'spec.advanced.clients.maxReceiveMaximum':
      'Highest Receive Maximum a client may ask for in CONNECT (1-65535); higher requests are lowered to this.',
    'spec.advanced.clients.maxSessionExpirySeconds': 'Highest session expiry interval, in seconds (1-4294967295).',
    'spec.advanced.clients.subscriberQueueLimit': 'Limit on messages queued for one subscriber.',
    'spec.advanced.clients.subscriberQueueLimit.length':
      'Queue length at which messages start to be dropped. Default: 1000.',
    'spec.advanced.clients.subscriberQueueLimit.strategy':
      'What to drop when the queue is full: `None` (nothing; the default) or `DropOldest` (lowerCamel also accepted).',
    'spec.advanced.internalCerts':
      "Certificates for the broker's internal traffic. When set, `duration`, `renewBefore` and `privateKey` are all required.",
    'spec.advanced.internalCerts.duration': goDuration('Lifetime of the internal certificates.', '240h'),
    'spec.advanced.internalCerts.renewBefore': goDuration(
      'When to renew them before expiry; shorter than `duration`.',
      '45m',
    ),
    'spec.advanced.internalCerts.privateKey':
      'Private key of the internal certificates; `algorithm` and `rotationPolicy` are required.',
    'spec.advanced.internalCerts.privateKey.algorithm': algorithm,
    'spec.advanced.internalCerts.privateKey.rotationPolicy': rotation,
    'spec.advanced.tolerations': 'Tolerations added to every broker pod.',
    'spec.advanced.tolerations[]': 'One toleration; `key`, `operator`, `value` and `effect` are all required.',
    'spec.advanced.tolerations[].key': 'Taint key the toleration matches.',
    'spec.advanced.tolerations[].operator':
      "Match operator. Beware: this CRD only accepts `None`, `none`, `DropOldest` or `dropOldest` here (a generator bug in AIO 1.0), so Kubernetes' `Exists`/`Equal` are rejected.",
    'spec.advanced.tolerations[].value': 'Taint value the toleration matches.',
    'spec.advanced.tolerations[].effect': 'Taint effect: `NoSchedule`, `PreferNoSchedule` or `NoExecute`.',
    'spec.diagnostics': 'Logs, metrics, self-checks and traces of the broker. Everything has a default.',
    'spec.diagnostics.logs': 'Log settings.',
    'spec.diagnostics.logs.level':
      'Log level, e.g. `info` (the default), `debug`, `warn`, `error`, `trace`; module filters like `info,hyper=off` work too.',
    'spec.diagnostics.metrics': 'Metrics settings.',
    'spec.diagnostics.metrics.prometheusPort': 'Port where Prometheus metrics are served (0-65535). Default: 9600.',
    'spec.diagnostics.selfCheck': 'Periodic self-check of the broker.',
    'spec.diagnostics.selfCheck.mode': enabledToggle('Self-check:'),
    'spec.diagnostics.selfCheck.intervalSeconds': 'Seconds between self-checks (30-300). Default: 30.',
    'spec.diagnostics.selfCheck.timeoutSeconds': 'Timeout of one self-check in seconds (5-120). Default: 15.',
    'spec.diagnostics.traces': 'Distributed tracing settings.',
    'spec.diagnostics.traces.mode': enabledToggle('Tracing:'),
    'spec.diagnostics.traces.cacheSizeMegabytes': 'Trace cache size in megabytes (1-128). Default: 16.',
    'spec.diagnostics.traces.spanChannelCapacity': 'Capacity of the span channel (1000-100000). Default: 1000.',
    'spec.diagnostics.traces.selfTracing': "Traces of the broker's own work.",
    'spec.diagnostics.traces.selfTracing.mode': enabledToggle('Self-tracing:'),
    'spec.diagnostics.traces.selfTracing.intervalSeconds': 'Seconds between self-traces (1-300). Default: 30.',
  },

  Certificate: {
    '': "A cert-manager Certificate: cert-manager keeps a signed certificate and its key in the Secret named by `secretName`. In the AIO TLS how-to it bootstraps a CA (`isCA: true`) from a self-signed Issuer. Note cert-manager's spellings differ from AIO's: `algorithm: ECDSA` + `size: 256` here, `Ec256` in a BrokerListener.",
    apiVersion: 'Use `cert-manager.io/v1`.',
    kind: '`Certificate`.',
    spec: 'The certificate to keep issued. `issuerRef` and `secretName` are required.',
    'spec.secretName':
      'Secret (type `kubernetes.io/tls`) where cert-manager stores the certificate (`tls.crt`), key (`tls.key`) and CA (`ca.crt`). Required.',
    'spec.issuerRef': 'The Issuer or ClusterIssuer that signs the certificate. `name` is required.',
    'spec.issuerRef.name': 'Name of the issuer. Required.',
    'spec.issuerRef.kind': "`Issuer` (default; in the Certificate's namespace) or `ClusterIssuer`.",
    'spec.issuerRef.group': 'API group of the issuer. Default: `cert-manager.io`.',
    'spec.commonName': 'Subject common name (CN). Prefer `dnsNames`; clients check SANs, not the CN.',
    'spec.isCA': "Mark the certificate as a CA that can sign others (as the how-to's `selfsigned-ca-cert` does).",
    'spec.duration': goDuration('Lifetime of the certificate. Default 90 days (`2160h`); at least `1h`.', '2160h'),
    'spec.renewBefore': goDuration(
      'How long before expiry to renew; at least `5m` and shorter than `duration`. Default: at two thirds of the lifetime.',
      '360h',
    ),
    'spec.dnsNames': 'DNS Subject Alternative Names.',
    'spec.dnsNames[]': 'A DNS name; wildcards like `*.example.com` are allowed.',
    'spec.ipAddresses': 'IP address Subject Alternative Names.',
    'spec.ipAddresses[]': 'An IPv4 or IPv6 address.',
    'spec.uris': 'URI Subject Alternative Names.',
    'spec.uris[]': 'A URI.',
    'spec.emailAddresses': 'Email Subject Alternative Names.',
    'spec.emailAddresses[]': 'An email address.',
    'spec.usages':
      'Key usages and extended key usages requested; cert-manager defaults to `digital signature` and `key encipherment`.',
    'spec.usages[]':
      "A usage in cert-manager's lower-case spelling, e.g. `server auth`, `client auth`, `digital signature`, `cert sign`.",
    'spec.privateKey':
      "Private key settings: `algorithm`, `size`, `encoding`, `rotationPolicy` (cert-manager's own spellings).",
    'spec.privateKey.algorithm':
      "cert-manager key algorithm: `RSA` (default), `ECDSA` or `Ed25519`. The size goes in `size`. (A BrokerListener uses AIO's spelling instead, e.g. `Ec256`.)",
    'spec.privateKey.size':
      'Key size: for RSA 2048 (default), 4096 or 8192; for ECDSA 256 (default), 384 or 521; ignored for Ed25519.',
    'spec.privateKey.encoding': 'Key encoding in the Secret: `PKCS1` (default) or `PKCS8`.',
    'spec.privateKey.rotationPolicy':
      "`Never` or `Always` (exactly these spellings). Whether a new key is made at each renewal; cert-manager's default changed from `Never` to `Always` in v1.18.",
    'spec.subject': 'Extra subject fields (organization, country, ...).',
    'spec.subject.countries': 'Countries (C).',
    'spec.subject.countries[]': 'A country.',
    'spec.subject.localities': 'Localities (L).',
    'spec.subject.localities[]': 'A locality.',
    'spec.subject.organizationalUnits': 'Organizational units (OU).',
    'spec.subject.organizationalUnits[]': 'An organizational unit.',
    'spec.subject.organizations': 'Organizations (O).',
    'spec.subject.organizations[]': 'An organization.',
    'spec.subject.postalCodes': 'Postal codes.',
    'spec.subject.postalCodes[]': 'A postal code.',
    'spec.subject.provinces': 'Provinces or states (ST).',
    'spec.subject.provinces[]': 'A province.',
    'spec.subject.serialNumber': 'Subject serial number.',
    'spec.subject.streetAddresses': 'Street addresses.',
    'spec.subject.streetAddresses[]': 'A street address.',
    'spec.literalSubject': 'The full subject as an RFC 4514 string; replaces `commonName` and `subject`.',
    'spec.secretTemplate': 'Labels and annotations copied onto the Secret.',
    'spec.secretTemplate.labels': 'Labels for the Secret.',
    'spec.secretTemplate.labels{}': 'A label value.',
    'spec.secretTemplate.annotations': 'Annotations for the Secret.',
    'spec.secretTemplate.annotations{}': 'An annotation value.',
    'spec.keystores': 'Also write the certificate as a JKS or PKCS#12 keystore into the Secret.',
    'spec.keystores.jks': 'A Java keystore (`keystore.jks`).',
    'spec.keystores.jks.create': 'Whether to write it. Required.',
    'spec.keystores.jks.passwordSecretRef': 'Secret key holding the keystore password. Required.',
    'spec.keystores.jks.passwordSecretRef.name': 'Secret name.',
    'spec.keystores.jks.passwordSecretRef.key': 'Key in the Secret.',
    'spec.keystores.pkcs12': 'A PKCS#12 keystore (`keystore.p12`).',
    'spec.keystores.pkcs12.create': 'Whether to write it. Required.',
    'spec.keystores.pkcs12.passwordSecretRef': 'Secret key holding the keystore password. Required.',
    'spec.keystores.pkcs12.passwordSecretRef.name': 'Secret name.',
    'spec.keystores.pkcs12.passwordSecretRef.key': 'Key in the Secret.',
    'spec.additionalOutputFormats': 'Extra formats written into the Secret.',
    'spec.additionalOutputFormats[]': 'One extra format.',
    'spec.additionalOutputFormats[].type':
      '`DER` (key as `key.der`) or `CombinedPEM` (key and chain in `tls-combined.pem`).',
    'spec.encodeUsagesInRequest': 'Whether usages are encoded in the certificate request.',
    'spec.revisionHistoryLimit': 'How many old CertificateRequests to keep.',
    status:
      'Written by cert-manager (Ready condition, expiry, renewal time). Not part of what you apply; BrokerKit does not check it.',
  },

  Issuer: {
    '': "A cert-manager Issuer: signs certificates for Certificates in its own namespace. For a BrokerListener with automatic TLS, the Issuer must be in the listener's namespace, normally `azure-iot-operations`.",
    apiVersion: 'Use `cert-manager.io/v1`.',
    kind: '`Issuer`.',
    ...issuerSpec('Issuer'),
  },
  ClusterIssuer: {
    '': 'A cert-manager ClusterIssuer: signs certificates in any namespace. AIO installs `azure-iot-operations-aio-certificate-issuer`, a quickstart CA meant for development and tests only.',
    apiVersion: 'Use `cert-manager.io/v1`.',
    kind: '`ClusterIssuer`.',
    ...issuerSpec('ClusterIssuer'),
  },

  Secret: {
    '': 'A Kubernetes Secret. For TLS use `type: kubernetes.io/tls` with `tls.crt` (the certificate chain, server certificate first) and `tls.key` (the private key). A BrokerListener port with manual TLS names such a Secret in `manual.secretRef`.',
    apiVersion: '`v1`.',
    kind: '`Secret`.',
    type: 'Secret type. `kubernetes.io/tls` requires the keys `tls.crt` and `tls.key` (the API server checks that). Other common types: `Opaque`, `kubernetes.io/dockerconfigjson`, `kubernetes.io/basic-auth`.',
    data: 'Keys with base64-encoded values. Keys may contain letters, digits, `-`, `_` and `.`.',
    'data["tls.crt"]':
      'Base64 of the PEM certificate chain: the server certificate first, then intermediates. All certificates in the chain must use one key family, EC or RSA.',
    'data["tls.key"]': 'Base64 of the PEM private key of the server certificate. Never commit a real one.',
    'data["ca.crt"]':
      'Base64 of the PEM CA certificate (cert-manager writes it; clients use it as their trust anchor).',
    'data{}': 'A base64-encoded value.',
    stringData:
      'Keys with plain-text values; the API server base64-encodes them into `data` (write-only; handy for PEM text).',
    'stringData["tls.crt"]': 'The PEM certificate chain as text, server certificate first.',
    'stringData["tls.key"]': 'The PEM private key as text.',
    'stringData{}': 'A plain-text value.',
    immutable: 'When `true`, `data` can no longer be changed (the Secret must be deleted and re-created).',
  },
};
