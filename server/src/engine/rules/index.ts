// The rule registry. One rule per file; add the import and the entry below (keep the list sorted by code).
import type { DocumentRule, PseudoRule, Rule, WorkspaceRule } from '../rule';
import apiVersion from './api-version';
import authenticationMethodInvalid from './authentication-method-invalid';
import authenticationNotFound from './authentication-not-found';
import authorizationDenyAll from './authorization-deny-all';
import authorizationNotFound from './authorization-not-found';
import authorizationRuleInvalid from './authorization-rule-invalid';
import authorizationWithoutAuthentication from './authorization-without-authentication';
import brokerRef from './broker-ref';
import defaultAuthenticationModified from './default-authentication-modified';
import defaultListenerModified from './default-listener-modified';
import enumSpelling from './enum-spelling';
import insecurePort from './insecure-port';
import legacyField from './legacy-field';
import listenerLimit from './listener-limit';
import nodePortConflict from './node-port-conflict';
import nodePortIgnored from './node-port-ignored';
import nodePortRandom from './node-port-random';
import nodePortRange from './node-port-range';
import portConflict from './port-conflict';
import schema from './schema';
import serviceNameConflict from './service-name-conflict';
import serviceNameInvalid from './service-name-invalid';
import serviceTypeConflict from './service-type-conflict';
import workloadIdentityLabel from './workload-identity-label';
import x509WithoutTls from './x509-without-tls';

/** Codes the engine itself emits (not rule modules). */
export const engineCodes: PseudoRule[] = [
  { scope: 'engine', code: 'yaml-syntax', severity: 'error', title: 'The YAML cannot be parsed; the document is reported at the error and the other documents are still checked.', source: 'YAML 1.2' },
  { scope: 'engine', code: 'file-too-large', severity: 'info', title: 'The file is larger than brokerkit.maxFileSize and is not checked.', source: 'BrokerKit setting' },
];

export const allRules: Rule[] = [
  apiVersion,
  authenticationMethodInvalid,
  authenticationNotFound,
  authorizationDenyAll,
  authorizationNotFound,
  authorizationRuleInvalid,
  authorizationWithoutAuthentication,
  brokerRef,
  defaultAuthenticationModified,
  defaultListenerModified,
  enumSpelling,
  insecurePort,
  legacyField,
  listenerLimit,
  nodePortConflict,
  nodePortIgnored,
  nodePortRandom,
  nodePortRange,
  portConflict,
  schema,
  serviceNameConflict,
  serviceNameInvalid,
  serviceTypeConflict,
  workloadIdentityLabel,
  x509WithoutTls,
];

export const documentRules = allRules.filter((r): r is DocumentRule => r.scope === 'document');
export const workspaceRules = allRules.filter((r): r is WorkspaceRule => r.scope === 'workspace');
