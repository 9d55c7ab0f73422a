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
import durationInvalid from './duration-invalid';
import enumSpelling from './enum-spelling';
import insecurePort from './insecure-port';
import issuerKindMismatch from './issuer-kind-mismatch';
import issuerNotFound from './issuer-not-found';
import issuerNotReady from './issuer-not-ready';
import legacyField from './legacy-field';
import listenerLimit from './listener-limit';
import nodePortConflict from './node-port-conflict';
import nodePortIgnored from './node-port-ignored';
import nodePortRandom from './node-port-random';
import nodePortRange from './node-port-range';
import portConflict from './port-conflict';
import quickstartIssuer from './quickstart-issuer';
import sanInvalid from './san-invalid';
import schema from './schema';
import secretNameConflict from './secret-name-conflict';
import serviceNameConflict from './service-name-conflict';
import serviceNameInvalid from './service-name-invalid';
import serviceTypeConflict from './service-type-conflict';
import tlsCertExpired from './tls-cert-expired';
import tlsChainOrder from './tls-chain-order';
import tlsKeyAlgorithmMismatch from './tls-key-algorithm-mismatch';
import tlsMode from './tls-mode';
import tlsSanMismatch from './tls-san-mismatch';
import tlsSanMissing from './tls-san-missing';
import tlsSecretInvalid from './tls-secret-invalid';
import tlsSecretNotFound from './tls-secret-not-found';
import workloadIdentityLabel from './workload-identity-label';
import x509WithoutTls from './x509-without-tls';

/** Codes the engine itself emits (not rule modules). */
export const engineCodes: PseudoRule[] = [
  {
    scope: 'engine',
    code: 'yaml-syntax',
    severity: 'error',
    title:
      'The YAML cannot be parsed; the document is reported at the error and the other documents are still checked.',
    sources: ['https://yaml.org/spec/1.2.2/'],
  },
  {
    scope: 'engine',
    code: 'file-too-large',
    severity: 'info',
    title: 'The file is larger than brokerkit.maxFileSize and is not checked.',
    sources: ['https://code.visualstudio.com/docs/getstarted/settings'],
  },
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
  durationInvalid,
  enumSpelling,
  insecurePort,
  issuerKindMismatch,
  issuerNotFound,
  issuerNotReady,
  legacyField,
  listenerLimit,
  nodePortConflict,
  nodePortIgnored,
  nodePortRandom,
  nodePortRange,
  portConflict,
  quickstartIssuer,
  sanInvalid,
  schema,
  secretNameConflict,
  serviceNameConflict,
  serviceNameInvalid,
  serviceTypeConflict,
  tlsCertExpired,
  tlsChainOrder,
  tlsKeyAlgorithmMismatch,
  tlsMode,
  tlsSanMismatch,
  tlsSanMissing,
  tlsSecretInvalid,
  tlsSecretNotFound,
  workloadIdentityLabel,
  x509WithoutTls,
];

export const documentRules = allRules.filter((r): r is DocumentRule => r.scope === 'document');
export const workspaceRules = allRules.filter((r): r is WorkspaceRule => r.scope === 'workspace');
