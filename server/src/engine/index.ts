// The engine's public face: pure, shared by the language server, the CLI and the tests.
import { Workspace } from './workspace';
import type { EngineOptions, Facts, Finding } from './types';

export * from './types';
export { Workspace, compareFindings, rangeOf } from './workspace';
export type { FileState } from './workspace';
export { allRules, engineCodes } from './rules';
export { SOURCE_LABELS, SOURCE_HOSTS, sourceLabel } from './sources';
export { NOT_CHECKED, MAX_NESTING, notCheckedReason } from './not-checked';
export * from './resources';
export { locate, splitDocuments } from './parse';
export type { Path, ChunkRef } from './parse';
export { itemAt, itemChunks, isItemChunk, itemSpan } from './list-items';
export type { ItemChunk } from './list-items';
export { Index } from './workspace-index';
export type { DeploymentInfo, DeploymentKind, DeploymentMode } from './deployments';
export { folderTargeting, describeTargets, isAioOwn } from './cluster-targets';
export type { FolderTarget } from './cluster-targets';
export { schemaFor, schemaAt } from './schema';
export type { SchemaInfo } from './schema';

/** One-shot validation: `documents` maps a URI to its text. */
export function validate(
  documents: Map<string, string> | Record<string, string>,
  facts?: Facts,
  options: Partial<EngineOptions> = {},
): Finding[] {
  const ws = new Workspace(options);
  const entries = documents instanceof Map ? [...documents.entries()] : Object.entries(documents);
  for (const [uri, text] of entries) ws.setFile(uri, text);
  if (facts) ws.setFacts(facts);
  const out: Finding[] = [];
  for (const list of ws.validate().values()) out.push(...list);
  return out;
}
