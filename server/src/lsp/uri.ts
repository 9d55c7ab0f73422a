// File URIs spelled the way VS Code spells them (every byte outside [A-Za-z0-9-._~/] percent-encoded, upper-case
// hex), so that a file found on disk and the same file opened in the editor have one URI.
import { fileURLToPath } from 'node:url';

const PLAIN = /^[A-Za-z0-9\-._~/]*$/;

export function pathToUri(path: string): string {
  const p = path.replace(/\\/g, '/');
  const withRoot = p.startsWith('/') ? p : '/' + p;
  if (PLAIN.test(withRoot)) return 'file://' + withRoot;
  let out = '';
  for (const ch of withRoot) {
    if (/[A-Za-z0-9\-._~/]/.test(ch)) out += ch;
    else out += [...Buffer.from(ch, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
  }
  return 'file://' + out;
}

/** The canonical spelling of a file URI (other clients encode differently); other schemes are returned as they are. */
export function canonicalUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToUri(fileURLToPath(uri));
  } catch {
    return uri;
  }
}
