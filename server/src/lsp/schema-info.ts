// The schema facts hover and completion show, through one door: server/src/engine/schema.ts (owned by the schema
// work) answers `schemaAt(apiVersion, kind, path)`. Until it is in the tree this answers nothing.
export interface SchemaInfo {
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, SchemaInfo>;
  items?: SchemaInfo;
  required?: string[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  oneOf?: SchemaInfo[];
}

export function schemaAt(_apiVersion: string, _kind: string, _path: readonly (string | number)[]): SchemaInfo | undefined {
  return undefined;
}
