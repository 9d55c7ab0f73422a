// Tests on the plain values a document converts to (the engine reads documents as JSON-like values).

/** A mapping: an object that is not an array (or null). */
export function isMap(x: unknown): x is Record<string, any> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}
