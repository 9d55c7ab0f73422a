// The schema facts hover and completion show come from one place: the engine's schemas (server/src/engine/schema.ts,
// generated from the real CRDs). This module is the language server's single door to them.
export { schemaAt, schemaFor } from '../engine/schema';
export type { SchemaInfo } from '../engine/schema';
