// brokerkit dev-broker <file> [--listener NAME] [--bind 127.0.0.1] [--port-offset N] [--state-dir DIR] [--json]
// Serves a BrokerListener from the files on this machine until Ctrl-C / SIGTERM. With --json, stdout carries one JSON
// object per line: `listening` per port, then `ready`, then log, connection, publish and authorization `decision` events.
import * as path from 'node:path';
import { Workspace } from '../engine';
import { collectYamlFiles, fromUri, readText, toUri } from './files';
import { parseArgs, flag, bool, UsageError } from './usage';
import { parseOrigin } from '../devbroker/origins';
import type { Command } from './commands';

const PUBLISH_LOG_PER_SECOND = 20;

const command: Command = {
  name: 'dev-broker',
  summary:
    'Run a local MQTT broker (3.1.1 and 5, TCP/TLS/WebSockets) that mirrors a BrokerListener: its ports, TLS, authentication and authorization.',
  usage:
    'brokerkit dev-broker <files or folders...> [--listener NAME] [--bind 127.0.0.1] [--port-offset N] [--state-dir DIR] [--json] [--tls-cert FILE --tls-key FILE] [--client-ca FILE] [--namespace NS] [--max-packet-size BYTES] [--exit-with-stdin] [--allow-origin ORIGIN]... [--allow-remote]',
  async run(args) {
    const p = parseArgs(args, {
      values: [
        'listener',
        'bind',
        'port-offset',
        'state-dir',
        'tls-cert',
        'tls-key',
        'client-ca',
        'namespace',
        'max-packet-size',
        'allow-origin',
      ],
      booleans: ['json', 'exit-with-stdin', 'allow-remote'],
    });
    if (p.positional.length === 0) throw new UsageError('name the file (or folder) that holds the BrokerListener');
    const offsetText = flag(p, 'port-offset') ?? '0';
    if (!/^-?\d+$/.test(offsetText)) throw new UsageError('--port-offset takes a whole number');
    const maxPacketText = flag(p, 'max-packet-size');
    if (maxPacketText !== undefined && !/^\d+$/.test(maxPacketText))
      throw new UsageError('--max-packet-size takes a number of bytes');
    if (!!flag(p, 'tls-cert') !== !!flag(p, 'tls-key')) throw new UsageError('--tls-cert and --tls-key go together');
    const json = bool(p, 'json');
    const bind = flag(p, 'bind') ?? '127.0.0.1';
    const allowOrigins = p.flags.get('allow-origin') ?? [];
    for (const o of allowOrigins) {
      try {
        parseOrigin(o);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }

    const out = (obj: object, text: string) => {
      if (!process.stdout.writable) return;
      if (json) process.stdout.write(JSON.stringify(obj) + '\n');
      else process.stdout.write(text + '\n');
    };
    // Warnings and errors go to stderr; with --json they are also events on stdout (the editor reads those).
    const toStderr = (text: string) => process.stderr.write(`brokerkit dev-broker: ${text}\n`);
    const log = (level: 'info' | 'warning' | 'error', message: string) => {
      if (level === 'info') return out({ event: 'log', level, message }, message);
      if (json) out({ event: 'log', level, message }, '');
      toStderr(`${level}: ${message}`);
    };
    const fail = (message: string, extra: object = {}) => {
      if (json) out({ event: 'error', message, ...extra }, '');
      toStderr(`error: ${message}`);
    };

    // Heavy modules load only for this command.
    const db = require('../devbroker') as typeof import('../devbroker'); // lazy: only this command loads MQTT and x509
    const ws = new Workspace({ defaultNamespace: flag(p, 'namespace') ?? 'azure-iot-operations' });
    const files = await collectYamlFiles(p.positional);
    for (const f of files) {
      try {
        ws.setFile(toUri(f), await readText(f));
      } catch (e) {
        throw new Error(`cannot read '${f}': ${(e as Error).message}`, { cause: e });
      }
    }
    const stateDir = flag(p, 'state-dir') ?? db.defaultStateDir();
    const remote = !db.isLoopback(bind);
    if (remote) {
      log(
        'warning',
        `binding to ${bind}: other machines on your network may reach this dev broker (its CA and certificates are for development only)`,
      );
    }

    const t0 = performance.now();
    let plan;
    try {
      plan = await db.planDevBroker(ws, {
        listener: flag(p, 'listener'),
        portOffset: Number(offsetText),
        stateDir,
        preferUri: files.includes(path.resolve(p.positional[0])) ? toUri(path.resolve(p.positional[0])) : undefined,
        manualCert: flag(p, 'tls-cert'),
        manualKey: flag(p, 'tls-key'),
        clientCa: flag(p, 'client-ca'),
      });
    } catch (e) {
      if (e instanceof db.PlanError) {
        fail(withYamlErrors(e.message, ws));
        return 1;
      }
      throw e;
    }
    for (const w of plan.warnings) log('warning', w);
    const open = remote ? db.openToAnyone(plan) : [];
    if (open.length && !bool(p, 'allow-remote')) {
      const message = `refusing to serve these ports on ${bind}, where other machines can reach them:\n  ${open.join('\n  ')}\nBind to 127.0.0.1 (the default), or add --allow-remote to serve them anyway.`;
      out({ event: 'error', message }, `error: ${message}`);
      return 1;
    }
    for (const o of open) log('warning', `reachable from other machines: ${o}`);

    // Publishes are logged, but at most PUBLISH_LOG_PER_SECOND lines a second (a burst would drown everything else).
    let shown = 0,
      hidden = 0;
    const tick = setInterval(() => {
      if (hidden) log('info', `... and ${hidden} more publishes in the last second`);
      shown = 0;
      hidden = 0;
    }, 1000);
    tick.unref();

    const onEvent = (e: import('../devbroker').DevBrokerEvent) => {
      switch (e.event) {
        case 'listening':
          return; // printed below, in order
        case 'log':
          log(e.level, e.message);
          return;
        case 'publish':
          if (shown >= PUBLISH_LOG_PER_SECOND) {
            hidden++;
            return;
          }
          shown++;
          out(
            e,
            `publish  ${e.clientId} -> '${e.topic}' (QoS ${e.qos}${e.retain ? ', retained' : ''}, ${e.bytes} bytes, port ${e.port})`,
          );
          return;
        case 'client-connected':
          out(
            e,
            `connect  ${e.clientId} on port ${e.port} (MQTT ${e.version === 5 ? '5' : '3.1.1'}${e.username ? `, user ${e.username}` : ''}${e.sessionPresent ? ', session resumed' : ''})`,
          );
          return;
        case 'client-rejected':
          out(e, `refused  ${e.clientId || '(no id)'} on port ${e.port}: ${e.reason}`);
          return;
        case 'client-disconnected':
          out(e, `gone     ${e.clientId} from port ${e.port}: ${e.reason}`);
          return;
        case 'subscribe':
          out(e, `subscribe ${e.clientId} -> '${e.filter}' (granted QoS ${e.granted}, port ${e.port})`);
          return;
        case 'decision':
          out(
            e,
            `authz    ${e.allowed ? 'ALLOW' : 'DENY '} ${e.action}${e.will ? ' (will)' : ''}${e.resource !== undefined ? ` '${e.resource}'` : ''} for ${e.clientId}${e.username ? ` (user ${e.username})` : ''} by '${e.authorization}': ${e.reason}`,
          );
          return;
      }
    };

    let broker: import('../devbroker').DevBroker;
    try {
      broker = await db.DevBroker.start(plan, {
        host: bind,
        onEvent,
        allowOrigins,
        maxPacketSize: maxPacketText ? Number(maxPacketText) : undefined,
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      fail(message, { port: e instanceof db.PortBusyError ? e.port : undefined });
      clearInterval(tick);
      return 1;
    }
    if (!json)
      out(
        {},
        `Dev broker for BrokerListener '${plan.listener}' (namespace ${plan.namespace}, service ${plan.serviceName})\n` +
          `Dev CA and certificates in ${stateDir}`,
      );
    // The command that makes a port's client certificate, as this CLI was started (so it runs pasted as printed).
    const self =
      path.basename(process.argv[1] ?? '') === 'brokerkit'
        ? 'brokerkit'
        : `node ${shellQuote(path.resolve(process.argv[1] ?? 'cli.js'))}`;
    const certCommand = (args: string[]) =>
      [
        self,
        'dev-ca',
        ...args.map(shellQuote),
        ...(stateDir !== db.defaultStateDir() ? ['--state-dir', shellQuote(stateDir)] : []),
      ].join(' ');
    for (const l of broker.listening) {
      const clientCertCommand = l.clientCert ? certCommand(l.clientCert.args) : null;
      out(
        { ...l, clientCertCommand },
        [
          `  port ${l.port}${l.listenerPort !== l.port ? ` (listener port ${l.listenerPort})` : ''}: ${l.protocol === 'mqtt' ? 'MQTT' : 'MQTT over WebSockets'}${l.tls ? ' with TLS' : ''}` +
            `${l.authentication ? `, authentication '${l.authentication}'` : ''}${l.authorization ? `, authorization '${l.authorization}'` : ''}`,
          ...(l.caFile ? [`      CA file:  ${l.caFile}`] : []),
          ...(clientCertCommand
            ? [
                `      client certificate (once${Object.keys(l.clientCert!.attributes).length ? ', with the attributes the authorization asks for' : ''}):`,
                `                ${clientCertCommand}`,
              ]
            : []),
          ...(l.mosquitto ? [`      try:      ${l.mosquitto}`] : []),
          `      MQTT.js:  ${l.url}`,
        ].join('\n'),
      );
    }
    // The signal handlers are in place before `ready` is announced: a SIGINT sent as soon as `ready` is read must
    // find them (before the first listener, node leaves SIGINT to the default action, which kills the process).
    const stopped = new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (why: string) => {
        if (stopping) return;
        stopping = true;
        clearInterval(tick);
        void broker.stop().then(() => {
          if (bool(p, 'exit-with-stdin')) process.stdin.destroy();
          out({ event: 'stopped', reason: why }, `Stopped (${why}).`);
          resolve(0);
        });
      };
      // The parent (an editor, a script) went away: stop instead of dying on EPIPE.
      process.stdout.on('error', () => stop('stdout closed'));
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      if (bool(p, 'exit-with-stdin')) {
        process.stdin.on('end', () => stop('stdin closed'));
        process.stdin.on('error', () => stop('stdin closed'));
        process.stdin.resume();
      }
    });
    out(
      {
        event: 'ready',
        listener: plan.listener,
        namespace: plan.namespace,
        ports: broker.listening.map((l) => l.port),
        stateDir,
        ms: Math.round(performance.now() - t0),
        processMs: Math.round(performance.now()),
      },
      'Ready. Ctrl-C stops the broker.',
    );

    return await stopped;
  },
};
function shellQuote(s: string): string {
  return /^[\w./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A listener that cannot be found may be in a file YAML cannot read: the plan's message gets the syntax errors of the
 * given files (file:line:column), so "no BrokerListener" never hides a broken file.
 */
function withYamlErrors(message: string, ws: Workspace): string {
  const errors: string[] = [];
  for (const [uri, findings] of ws.validate())
    for (const f of findings)
      if (f.code === 'yaml-syntax')
        errors.push(`${fromUri(uri)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.message}`);
  if (!errors.length) return message;
  const shown = errors.slice(0, 10);
  return `${message}; YAML errors in the given files may hide it:\n  ${shown.join('\n  ')}${errors.length > shown.length ? `\n  ... and ${errors.length - shown.length} more` : ''}`;
}

export default command;
