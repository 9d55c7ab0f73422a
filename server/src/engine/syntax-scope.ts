// Which files' syntax errors are BrokerKit's to report: only where a broken document can hide something BrokerKit
// checks. A repository of unrelated YAML (CI workflows, Helm values, another project's manifests) with a syntax error
// is not BrokerKit's to judge: `brokerkit check` must not fail on it, and the editor and the command line must agree.
// Text tests, so that a document the parser could not read is judged by what it says:
//
// - A file that mentions an AIO or cert-manager API group, or one of their kinds: its syntax errors are reported.
// - A file that mentions a Secret, a workload or another kind the rules read (the editor holds such files, see
//   `looksRelevant`), or a kustomization: reported when one of its deployments holds an AIO or cert-manager object
//   (a TLS Secret beside the listener that names it; a kustomization that says what such a deployment applies).
// - Any other file: not reported.
import { AIO_GROUP, CERT_MANAGER_GROUP, LEGACY_AIO_GROUP, type Resource } from './resources';

/**
 * Cheap text test: does this YAML mention anything BrokerKit checks (also as a list item, `- kind: Secret`, or a typed
 * list, `kind: SecretList`)? Files that do not are never parsed by the editor.
 */
const RELEVANT =
  /mqttbroker\.iotoperations\.azure\.com|mq\.iotoperations\.azure\.com|cert-manager\.io|azure\.workload\.identity|^[ \t-]*kind:\s*["']?(?:Secret|ServiceAccount|Service|ConfigMap|Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob)(?:List)?\b/m;

export function looksRelevant(text: string): boolean {
  return RELEVANT.test(text);
}

/** An AIO or cert-manager API group, or a kind of theirs, anywhere in the text. */
const AIO_OR_CERT_MANAGER =
  /mqttbroker\.iotoperations\.azure\.com|mq\.iotoperations\.azure\.com|cert-manager\.io|^[ \t-]*kind:\s*["']?(?:Broker|BrokerListener|BrokerAuthentication|BrokerAuthorization|Certificate|CertificateRequest|Issuer|ClusterIssuer)["']?\s*(?:#.*)?$/m;

export function mentionsAioOrCertManager(text: string): boolean {
  return AIO_OR_CERT_MANAGER.test(text);
}

export function isAioOrCertManager(r: Resource): boolean {
  return r.group === AIO_GROUP || r.group === LEGACY_AIO_GROUP || r.group === CERT_MANAGER_GROUP;
}
