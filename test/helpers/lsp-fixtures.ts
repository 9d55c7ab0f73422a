// Workspaces on disk for the protocol tests: a temp folder per test with named YAML files, and the server command.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, listenerDoc } from './engine';
import { FULL_CAPABILITIES, LspClient, StartOptions, pathToFileUri } from './lsp-client';
import { tempDir, writeFiles } from './temp';

export class TempWorkspace {
  readonly root: string;
  constructor(files: Record<string, string> = {}) {
    this.root = writeFiles(tempDir('brokerkit-lsp-'), files);
  }
  path(name: string): string {
    return join(this.root, name);
  }
  uri(name: string): string {
    return pathToFileUri(this.path(name));
  }
  write(name: string, text: string | Buffer): string {
    writeFiles(this.root, { [name]: text });
    return this.uri(name);
  }
  remove(name: string): void {
    rmSync(this.path(name), { recursive: true, force: true });
  }
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Starts our language server from the bundle (dist/server.js --stdio, or `cli.js lsp --stdio`). */
export function startServer(o: Partial<StartOptions> & { viaCli?: boolean } = {}): Promise<LspClient> {
  const dist = distDir();
  const args = o.viaCli ? [join(dist, 'cli.js'), 'lsp', '--stdio'] : [join(dist, 'server.js'), '--stdio'];
  return LspClient.start({
    command: process.execPath,
    args,
    capabilities: FULL_CAPABILITIES,
    settings: { brokerkit: {} },
    ...o,
  });
}

export function listener(
  name: string,
  opts: { type?: string; ports: (number | string)[]; ns?: string; extraPort?: string },
): string {
  const ports = opts.ports
    .map((p) =>
      typeof p === 'number'
        ? `  - port: ${p}\n    protocol: Mqtt\n    authenticationRef: default\n    tls:\n      mode: Automatic\n      certManagerCertificateSpec:\n        issuerRef:\n          name: azure-iot-operations-aio-certificate-issuer\n          kind: ClusterIssuer\n          group: cert-manager.io\n`
        : p,
    )
    .join('');
  return listenerDoc(
    name,
    `  brokerRef: default\n  serviceType: ${opts.type ?? 'LoadBalancer'}\n  ports:\n${ports}`,
    opts.ns,
  );
}

/** 0-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string, occurrence = 0): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && seen++ === occurrence) return i;
  throw new Error(`'${needle}' not found`);
}

export function posOf(text: string, needle: string, occurrence = 0, delta = 0): { line: number; character: number } {
  const line = lineOf(text, needle, occurrence);
  return { line, character: text.split('\n')[line].indexOf(needle) + delta };
}
