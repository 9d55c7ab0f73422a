// Reading the user's files for the CLI: folders are searched for *.yaml / *.yml, skipping node_modules and .git.
import { promises as fs, statSync } from 'node:fs';
import { decodeText } from '../engine/not-checked';
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const SKIP_DIRS = new Set(['node_modules', '.git']);

export async function collectYamlFiles(inputs: string[], exclude: string[] = []): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = await fs.stat(input);
    } catch {
      throw new Error(`cannot read '${input}': no such file or folder`);
    }
    if (st.isDirectory()) await walk(input, out, exclude);
    else out.push(path.resolve(input));
  }
  return [...new Set(out)].sort();
}

async function walk(dir: string, out: string[], exclude: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !exclude.includes(e.name)) await walk(p, out, exclude);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
      out.push(path.resolve(p));
    }
  }
}

export const toUri = (file: string): string => pathToFileURL(file).href;

/** A command-line argument as a root URI: a folder ends in '/', a file is itself. */
export function rootUri(arg: string): string {
  const abs = path.resolve(arg);
  let dir = false;
  try {
    dir = statSync(abs).isDirectory();
  } catch {
    // unreadable: reported when the files are collected
  }
  const uri = toUri(abs);
  return dir && !uri.endsWith('/') ? `${uri}/` : uri;
}
export const fromUri = (uri: string): string => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);

/** Reads a file as text (UTF-8, or UTF-16 with its byte order mark); binary files come back with NUL characters,
 *  which the engine reports as not checked. */
export async function readText(file: string): Promise<string> {
  return decodeText(await fs.readFile(file));
}

export async function sizeOf(file: string): Promise<number> {
  return (await fs.stat(file)).size;
}

/** What `brokerkit check -` calls standard input in findings, and its URI inside the engine. */
export const STDIN_NAME = '<stdin>';
export const STDIN_URI = 'stdin:';

/** Standard input as text, or its size in bytes once it is over `limit` (the rest is read and dropped). */
export async function readStdin(limit: number): Promise<string | number> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes <= limit) parts.push(chunk as Buffer);
    else parts.length = 0;
  }
  return bytes > limit ? bytes : decodeText(Buffer.concat(parts));
}
