// The dev broker from the editor: Start (CodeLens, palette), Stop, Restart, copy client commands. It runs
// `node <dist>/cli.js dev-broker <file> --listener NAME --json --state-dir <state folder>` as a child process, shows
// its events in a log channel and its ports in the status bar, and stops with the window. Untrusted workspaces cannot
// start it (it opens ports and reads keys).
import * as vscode from 'vscode';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { State } from 'vscode-languageclient/node';
import type { Host } from '../host';
import { offerTrust } from '../trust';
import { defaultStateDir } from '../../../server/src/devbroker/state-dir';
import {
  Methods,
  DevBrokerListenerInfo,
  DevBrokerListenersResult,
  DevBrokerStateParams,
} from '../../../server/src/protocol';

/** Set once a dev broker listened on its ports (the walkthrough's step is completed by it, not by the click). */
export const STARTED_CONTEXT = 'brokerkit.devBrokerStarted';

/** The dev CA and certificates: the folder the CLI uses too (BROKERKIT_STATE_DIR moves both). */
export function stateDir(): string {
  return defaultStateDir();
}

interface Listening {
  clientCert: {
    name: string;
    attributes: Record<string, string>;
    certFile: string;
    keyFile: string;
    args: string[];
  } | null;
  port: number;
  protocol: 'mqtt' | 'websockets';
  tls: boolean;
  host: string;
  caFile: string | null;
  mosquitto: string | null;
  url: string;
  listenerPort: number;
  authentication: string | null;
  authorization: string | null;
}
interface Target {
  file: string;
  listener: string;
  /** Started without a pick: the workspace's only listener. */
  only?: boolean;
}

function portsText(ports: { port: number; tls: boolean; protocol?: string; websockets?: boolean }[]): string {
  return ports
    .map((p) => `${p.port}${p.websockets || p.protocol === 'WebSockets' ? ' WS' : ''}${p.tls ? ' TLS' : ''}`)
    .join(', ');
}

export const STATUS_ITEM_ID = 'brokerkit.devBroker.status';

export class DevBrokerController implements vscode.Disposable {
  private readonly log: vscode.LogOutputChannel;
  private readonly status: vscode.StatusBarItem;
  private child: ChildProcess | undefined;
  private target: Target | undefined;
  private listening: Listening[] = [];
  private exited: Promise<void> | undefined;
  /** The broker listens on every port (its `ready` event came). */
  private ready = false;

  constructor(private readonly ctx: Host) {
    this.log = vscode.window.createOutputChannel('BrokerKit Dev Broker', { log: true });
    this.status = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'BrokerKit Dev Broker';
    this.status.command = 'brokerkit.devBroker.copyCommands';
  }

  get running(): boolean {
    return !!this.child;
  }

  /** Starts the broker for a listener (from the CodeLens, or asks for one from the active editor). */
  async start(args?: { uri?: string; listener?: string }): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void offerTrust(
        'BrokerKit: the dev broker opens network ports and writes keys, so it only starts in a trusted workspace.',
      );
      return false;
    }
    const target = await this.pickTarget(args);
    if (!target) return false;
    if (this.child) await this.stop();
    return this.launch(target);
  }

  async restart(): Promise<boolean> {
    const t = this.target;
    if (!t) return this.start();
    await this.stop();
    if (!vscode.workspace.isTrusted) return false;
    return this.launch(t);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    child.kill('SIGTERM');
    const guard = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(guard);
  }

  async copyCommands(): Promise<void> {
    if (!this.listening.length) {
      const pick = await vscode.window.showInformationMessage('The dev broker is not running.', 'Start Dev Broker');
      if (pick) await this.start();
      return;
    }
    const items = this.listening.flatMap((l) => [
      ...(l.mosquitto
        ? [{ label: `$(terminal) ${l.port}: mosquitto_pub`, detail: l.mosquitto, text: l.mosquitto }]
        : []),
      { label: `$(link) ${l.port}: MQTT.js URL`, detail: l.url, text: l.url },
      ...(l.caFile ? [{ label: `$(key) ${l.port}: CA file`, detail: l.caFile, text: l.caFile }] : []),
    ]);
    items.push({ label: '$(output) Show the dev broker log', detail: '', text: '' });
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Dev broker: copy a client command',
      matchOnDetail: true,
    });
    if (!pick) return;
    if (!pick.text) {
      this.log.show(true);
      return;
    }
    await vscode.env.clipboard.writeText(pick.text);
    void vscode.window.setStatusBarMessage('Copied to the clipboard.', 3000);
  }

  /**
   * What the broker prints as a first step, as a command: makes the client certificate an X509 port asks for (with
   * the attributes its BrokerAuthorization needs) in the shared state folder, then offers the port's mosquitto_pub.
   */
  async makeClientCert(): Promise<void> {
    const ports = this.listening.filter((l) => l.clientCert);
    if (!ports.length) {
      void vscode.window.showInformationMessage(
        this.listening.length
          ? 'BrokerKit: no port of this dev broker uses X509 authentication.'
          : 'BrokerKit: the dev broker is not running.',
      );
      return;
    }
    const pick =
      ports.length === 1
        ? ports[0]
        : (
            await vscode.window.showQuickPick(
              ports.map((l) => ({ label: `${l.port}`, description: l.clientCert!.args.join(' '), l })),
              { title: 'Client certificate for which port?' },
            )
          )?.l;
    if (!pick) return;
    const cli = this.ctx.extension.asAbsolutePath(path.join('dist', 'cli.js'));
    const args = [cli, 'dev-ca', ...pick.clientCert!.args, '--state-dir', stateDir(), '--json'];
    const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
      let out = '',
        err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', (e) => resolve({ code: 1, out, err: e.message }));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    if (result.code !== 0) {
      this.log.error(result.err.trim());
      void vscode.window.showErrorMessage(`BrokerKit: the client certificate was not made: ${result.err.trim()}`);
      return;
    }
    const attrs = Object.entries(pick.clientCert!.attributes)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    this.log.info(
      `Client certificate ${pick.clientCert!.certFile}${attrs ? ` (attributes ${attrs})` : ''}; key ${pick.clientCert!.keyFile} (0600)`,
    );
    const choice = await vscode.window.showInformationMessage(
      `Client certificate '${pick.clientCert!.name}' made${attrs ? ` with ${attrs}` : ''} in ${stateDir()}.`,
      ...(pick.mosquitto ? ['Copy mosquitto_pub Command'] : []),
    );
    if (choice && pick.mosquitto) await vscode.env.clipboard.writeText(pick.mosquitto);
  }

  /**
   * Which listener to run: the CodeLens names it; otherwise the active file's only listener, or one of the workspace's
   * listeners as the language server's index knows them (picked; started directly when there is just one).
   */
  private async pickTarget(args?: { uri?: string; listener?: string }): Promise<Target | undefined> {
    if (args?.uri && args.listener) {
      const uri = vscode.Uri.parse(args.uri);
      if (uri.scheme === 'file') return { file: uri.fsPath, listener: args.listener };
      void vscode.window.showWarningMessage(
        'BrokerKit: the dev broker runs listeners of files on disk; save the file first.',
      );
      return undefined;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const all = await this.workspaceListeners();
    if (!all) return undefined;
    const activeKey = active?.scheme === 'file' ? active.toString() : undefined;
    const sameFile = (l: DevBrokerListenerInfo) => !!activeKey && vscode.Uri.parse(l.uri).toString() === activeKey;
    const inFile = all.filter(sameFile);
    if (inFile.length === 1) return this.targetOf(inFile[0]);
    if (all.length === 0) {
      const hasFolder = !!vscode.workspace.workspaceFolders?.length;
      const open = hasFolder ? undefined : 'Open Folder';
      const pick = await vscode.window.showWarningMessage(
        hasFolder
          ? 'BrokerKit: no BrokerListener with ports in this workspace. The dev broker runs one: add a YAML file with ' +
              'a BrokerListener (kind: BrokerListener, metadata.name, spec.ports), then run Start Dev Broker again ' +
              '(or use the "Start dev broker" CodeLens above it).'
          : 'BrokerKit: open the folder with your BrokerListener YAML first; the dev broker runs one of its listeners.',
        ...(open ? [open] : []),
      );
      if (pick === 'Open Folder') void vscode.commands.executeCommand('workbench.action.files.openFolder');
      return undefined;
    }
    if (all.length === 1) {
      const only = all[0];
      this.log.info(
        `Starting the workspace's only BrokerListener '${only.name}' (${vscode.workspace.asRelativePath(vscode.Uri.parse(only.uri))}).`,
      );
      return { ...this.targetOf(only), only: true };
    }
    // The active file's listeners first, then the others in file order.
    const ordered = [...inFile, ...all.filter((l) => !sameFile(l))];
    const items = ordered.map((l) => ({
      label: l.name,
      description: `ports ${portsText(l.ports)}`,
      detail: `${vscode.workspace.asRelativePath(vscode.Uri.parse(l.uri))} · namespace ${l.namespace}${sameFile(l) ? ' · this file' : ''}`,
      l,
    }));
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Start the dev broker for which BrokerListener?',
      placeHolder: 'BrokerListeners of this workspace',
      matchOnDescription: true,
      matchOnDetail: true,
      // Also opened by the walkthrough's button, whose page can take the focus back just after the click.
      ignoreFocusOut: true,
    });
    return pick ? this.targetOf(pick.l) : undefined;
  }

  private targetOf(l: DevBrokerListenerInfo): Target {
    return { file: vscode.Uri.parse(l.uri).fsPath, listener: l.name };
  }

  /** The workspace's BrokerListeners with ports, from the language server's index (it answers once indexed). */
  private async workspaceListeners(): Promise<DevBrokerListenerInfo[] | undefined> {
    const client = this.ctx.client;
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage(
        "BrokerKit: the language server is not running, so the workspace's listeners are unknown. " +
          'Open the listener\'s file and use the "Start dev broker" CodeLens, or run "BrokerKit: Restart Language Server".',
      );
      return undefined;
    }
    try {
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'BrokerKit: looking for BrokerListeners' },
        () => client.sendRequest<DevBrokerListenersResult>(Methods.devBrokerListeners, {}),
      );
      return r.listeners;
    } catch (e) {
      this.log.error(`Could not list the workspace's BrokerListeners: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(
        `BrokerKit: could not list the workspace's BrokerListeners: ${(e as Error).message}`,
      );
      return undefined;
    }
  }

  private launch(target: Target): Promise<boolean> {
    const cli = this.ctx.extension.asAbsolutePath(path.join('dist', 'cli.js'));
    const state = stateDir();
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target.file));
    // The listener's file, plus its folder so that referenced objects in sibling files are found.
    const inputs = folder ? [target.file, folder.uri.fsPath] : [target.file];
    const args = [
      cli,
      'dev-broker',
      ...inputs,
      '--listener',
      target.listener,
      '--json',
      '--state-dir',
      state,
      '--exit-with-stdin',
    ];
    this.log.info(`Starting the dev broker for BrokerListener '${target.listener}' (${target.file})`);
    this.log.info(`State folder (dev CA, certificates; the CLI's default too): ${state}`);
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.target = target;
    this.listening = [];
    this.ready = false;
    this.setStatus('starting');
    this.sendState();
    void vscode.commands.executeCommand('setContext', 'brokerkit.devBrokerRunning', true);
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const settle = (ok: boolean) => {
        if (!settled) {
          settled = true;
          resolve(ok);
        }
      };
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          let e: any;
          try {
            e = JSON.parse(line);
          } catch {
            this.log.info(line);
            continue;
          }
          this.onEvent(e);
          if (e.event === 'ready') {
            settle(true);
            this.ready = true;
            this.sendState();
            void vscode.commands.executeCommand('setContext', STARTED_CONTEXT, true);
            this.announce();
          }
          if (e.event === 'error') {
            settle(false);
            void vscode.window.showErrorMessage(`BrokerKit dev broker: ${e.message}`);
          }
        }
      });
      child.stderr!.on('data', (d: Buffer) => {
        for (const l of d.toString('utf8').split('\n')) if (l.trim()) this.log.error(l);
      });
      child.stdin!.on('error', () => {
        /* the process is gone */
      });
      this.exited = new Promise<void>((done) =>
        child.on('exit', (code, signal) => {
          this.log.info(`Dev broker stopped (${signal ?? `exit code ${code}`}).`);
          if (this.child === child) {
            this.child = undefined;
            this.listening = [];
            this.ready = false;
            this.setStatus('stopped');
            this.sendState();
            void vscode.commands.executeCommand('setContext', 'brokerkit.devBrokerRunning', false);
          }
          settle(false);
          done();
        }),
      );
      child.on('error', (err) => {
        this.log.error(`Cannot start the dev broker: ${err.message}`);
        settle(false);
      });
    });
  }

  private onEvent(e: any): void {
    switch (e.event) {
      case 'listening':
        this.listening.push(e);
        this.log.info(
          `port ${e.port}: ${e.protocol === 'mqtt' ? 'MQTT' : 'MQTT over WebSockets'}${e.tls ? ' with TLS' : ''}${e.authentication ? `, authentication '${e.authentication}'` : ''}${e.authorization ? `, authorization '${e.authorization}'` : ''} — ${e.url}${e.caFile ? ` (CA ${e.caFile})` : ''}`,
        );
        if (e.clientCertCommand)
          this.log.info(
            `  client certificate: ${e.clientCertCommand} (or the command 'BrokerKit: Make a Dev Broker Client Certificate')`,
          );
        if (e.mosquitto) this.log.info(`  try: ${e.mosquitto}`);
        return;
      case 'ready':
        this.log.info(`Ready: ports ${(e.ports as number[]).join(', ')}.`);
        this.setStatus('running');
        return;
      case 'log':
        (e.level === 'error' ? this.log.error : e.level === 'warning' ? this.log.warn : this.log.info).call(
          this.log,
          e.message,
        );
        return;
      case 'publish':
        this.log.info(
          `publish ${e.clientId} -> '${e.topic}' (QoS ${e.qos}${e.retain ? ', retained' : ''}, ${e.bytes} bytes, port ${e.port})`,
        );
        return;
      case 'client-connected':
        this.log.info(
          `connect ${e.clientId} on port ${e.port} (MQTT ${e.version === 5 ? '5' : '3.1.1'}${e.username ? `, user ${e.username}` : ''})`,
        );
        return;
      case 'client-rejected':
        this.log.warn(`refused ${e.clientId || '(no id)'} on port ${e.port}: ${e.reason}`);
        return;
      case 'client-disconnected':
        this.log.info(`disconnect ${e.clientId} from port ${e.port}: ${e.reason}`);
        return;
      case 'subscribe':
        this.log.info(`subscribe ${e.clientId} -> '${e.filter}' (QoS ${e.granted}, port ${e.port})`);
        return;
      case 'decision':
        (e.allowed ? this.log.info : this.log.warn).call(
          this.log,
          `authorization ${e.allowed ? 'ALLOW' : 'DENY'} ${e.action}${e.will ? ' (will)' : ''}${e.resource !== undefined ? ` '${e.resource}'` : ''} for ${e.clientId}${e.username ? ` (user ${e.username})` : ''} by '${e.authorization}': ${e.reason}`,
        );
        return;
      case 'error':
        this.log.error(e.message);
        return;
      case 'stopped':
        return;
      default:
        this.log.debug(JSON.stringify(e));
    }
  }

  /** Tells the language server which listener runs, so that its CodeLens reads "Stop dev broker" there. */
  sendState(): void {
    const client = this.ctx.client;
    if (!client?.isRunning()) return;
    const params: DevBrokerStateParams = {
      running:
        this.child && this.target
          ? {
              uri: vscode.Uri.file(this.target.file).toString(),
              listener: this.target.listener,
              state: this.ready ? 'running' : 'starting',
              ports: this.listening.map((l) => ({ port: l.port, tls: l.tls, websockets: l.protocol === 'websockets' })),
            }
          : null,
    };
    client.sendNotification(Methods.devBrokerState, params).catch((e: Error) => this.log.debug(e.message));
  }

  private setStatus(state: 'starting' | 'running' | 'stopped'): void {
    if (state === 'stopped') {
      this.status.hide();
      return;
    }
    if (state === 'starting') this.status.text = '$(loading~spin) dev broker: starting';
    else
      this.status.text = `$(broadcast) dev broker: ${this.listening.map((l) => `${l.port}${l.protocol === 'websockets' ? ' WS' : ''}${l.tls ? ' TLS' : ''}`).join(', ')}`;
    this.status.tooltip = this.target
      ? `BrokerListener '${this.target.listener}' — click to copy client commands`
      : undefined;
    this.status.show();
  }

  private announce(): void {
    const ports = this.listening.map((l) => l.port).join(', ');
    const only = this.target?.only
      ? ` (the workspace's only BrokerListener, in ${vscode.workspace.asRelativePath(this.target.file)})`
      : '';
    void vscode.window
      .showInformationMessage(
        `Dev broker for '${this.target?.listener}'${only} is listening on ${ports}.`,
        'Copy Client Command',
        'Show Log',
      )
      .then((pick) => {
        if (pick === 'Copy Client Command') void this.copyCommands();
        else if (pick === 'Show Log') this.log.show(true);
      });
  }

  dispose(): void {
    // Stop with the window: SIGTERM (the process also stops when its stdin closes, should the host die first).
    this.child?.kill('SIGTERM');
    this.status.dispose();
    this.log.dispose();
  }
}

export function registerDevBroker(ctx: Host): DevBrokerController {
  const c = new DevBrokerController(ctx);
  ctx.push(c);
  const reg = (id: string, fn: (...args: any[]) => unknown) => ctx.push(vscode.commands.registerCommand(id, fn));
  reg('brokerkit.devBroker.start', (args?: { uri?: string; listener?: string }) => c.start(args));
  reg('brokerkit.devBroker.stop', () => c.stop());
  reg('brokerkit.devBroker.restart', () => c.restart());
  reg('brokerkit.devBroker.copyCommands', () => c.copyCommands());
  reg('brokerkit.devBroker.clientCert', () => c.makeClientCert());
  // A restarted language server knows nothing of the running broker: tell it again.
  if (ctx.client) ctx.push(ctx.client.onDidChangeState((e) => e.newState === State.Running && c.sendState()));
  return c;
}
