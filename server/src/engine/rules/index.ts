// The rule registry. One rule per file; add the import and the entry below (keep the list sorted by code).
import type { DocumentRule, PseudoRule, Rule, WorkspaceRule } from '../rule';
import apiVersion from './api-version';
import brokerRef from './broker-ref';
import enumSpelling from './enum-spelling';
import legacyField from './legacy-field';
import portConflict from './port-conflict';
import schema from './schema';

/** Codes the engine itself emits (not rule modules). */
export const engineCodes: PseudoRule[] = [
  { scope: 'engine', code: 'yaml-syntax', severity: 'error', title: 'The YAML cannot be parsed; the document is reported at the error and the other documents are still checked.', source: 'YAML 1.2' },
  { scope: 'engine', code: 'file-too-large', severity: 'info', title: 'The file is larger than brokerkit.maxFileSize and is not checked.', source: 'BrokerKit setting' },
];

export const allRules: Rule[] = [
  apiVersion,
  brokerRef,
  enumSpelling,
  legacyField,
  portConflict,
  schema,
];

export const documentRules = allRules.filter((r): r is DocumentRule => r.scope === 'document');
export const workspaceRules = allRules.filter((r): r is WorkspaceRule => r.scope === 'workspace');
