// Helpers for engine tests: run the real engine on in-memory files and find exact ranges by searching text.
import { validate, EngineOptions, Facts, Finding, Range } from '../../server/src/engine';

export function check(files: Record<string, string>, facts?: Facts, options: Partial<EngineOptions> = {}): Finding[] {
  const docs: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) docs[name.includes(':') ? name : `file:///ws/${name}`] = text;
  // Rule tests compare their facts with every deployment (the default compares only deployments that run there).
  return validate(docs, facts ? { compare: 'all', ...facts } : undefined, options);
}

export function codes(findings: Finding[]): string[] {
  return findings.map((f) => f.code);
}

export function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

/** The range of the `occurrence`-th (0-based) match of `needle` in `text` (0-based line/character, like findings). */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let idx = -1;
  for (let i = 0; i <= occurrence; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`'${needle}' occurrence ${occurrence} not in text`);
  }
  return { start: pos(text, idx), end: pos(text, idx + needle.length) };
}

function pos(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The one BrokerListener builder of the tests: the header (kind, name, namespace) and `spec:` followed by `body`. */
export function listenerDoc(name: string, body = '', namespace = 'azure-iot-operations'): string {
  return `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${body}`;
}

/** A listener of the `default` broker: listenerDoc with `brokerRef: default` first. */
export const LISTENER_HEAD = (name: string, extra = '') => listenerDoc(name, `  brokerRef: default\n${extra}`);

/** Where the bundles are (BROKERKIT_DIST lets parallel builds use their own folder). Absolute path. */
export function distDir(): string {
  const path = require('node:path') as typeof import('node:path');
  return path.resolve(process.env.BROKERKIT_DIST || 'dist');
}
