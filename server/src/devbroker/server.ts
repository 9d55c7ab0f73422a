// Puts a plan on the network: one TCP, TLS, WebSocket or secure WebSocket server per listener port, all feeding one
// broker (a message published on one port reaches subscribers on every port, as in AIO).
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as http from 'node:http';
import * as https from 'node:https';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { Broker, BrokerEvent, BrokerOptions, Clock, PortPolicy, TransportInfo, systemClock } from './mqtt/broker';
import { authenticator, SAT_METHOD } from './authn';
import { Authorizer, Decision } from './authz';
import { describeBusyPort } from './ports';
import { OriginPolicy } from './origins';
import type { DevBrokerPlan, PortPlan } from './plan';

export interface ListeningEvent {
  event: 'listening';
  port: number;
  protocol: 'mqtt' | 'websockets';
  tls: boolean;
  host: string;
  caFile: string | null;
  listenerPort: number;
  authentication: string | null;
  authorization: string | null;
  mosquitto: string | null;
  url: string;
  /** A dev token file for ServiceAccountToken ports (K8S-SAT). */
  satTokenFile: string | null;
  /** X509 ports: the client certificate the printed commands use (`dev-ca client-cert <args>` makes it). */
  clientCert: {
    name: string;
    attributes: Record<string, string>;
    certFile: string;
    keyFile: string;
    args: string[];
  } | null;
}

export type DevBrokerEvent = BrokerEvent | Decision | ListeningEvent;

export interface StartOptions {
  host: string;
  maxPacketSize?: number;
  onEvent: (e: DevBrokerEvent) => void;
  /** Time for keep-alive, expiry and stall deadlines (tests pass their own). */
  clock?: Clock;
  /** Only the clock's `now` (message expiry tests). */
  now?: () => number;
  /** Origins of web pages allowed on WebSockets ports (`*`: any); clients without an Origin are always allowed. */
  allowOrigins?: readonly string[];
  /** The broker's bounds (queues, retained messages, subscriptions, output), where the defaults do not suit. */
  limits?: Partial<Omit<BrokerOptions, 'onEvent' | 'clock'>>;
}

/** TLS 1.2 cipher suites: forward secrecy and AEAD only (no CBC, no SHA-1 MACs, no static RSA key exchange), as in
 *  the modern profiles mosquitto's documentation points to; the TLS 1.3 suites are all AEAD and stay as they are.
 *  ECDSA suites also serve Ed25519 certificates. */
export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export class PortBusyError extends Error {
  constructor(
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}

interface Running {
  server: net.Server;
  sockets: Set<net.Socket>;
  wss?: WebSocketServer;
}

export class DevBroker {
  readonly broker: Broker;
  readonly listening: ListeningEvent[] = [];
  private running: Running[] = [];
  private stopped = false;
  private readonly origins: OriginPolicy;

  private constructor(private opts: StartOptions) {
    this.origins = new OriginPolicy(opts.allowOrigins);
    this.broker = new Broker({
      ...opts.limits,
      maxPacketSize: opts.maxPacketSize ?? 1024 * 1024,
      onEvent: opts.onEvent,
      clock: opts.clock ?? (opts.now ? { ...systemClock, now: opts.now } : systemClock),
    });
  }

  /** Starts every port of the plan; if one cannot listen, the others are closed again and the error says why. */
  static async start(plan: DevBrokerPlan, opts: StartOptions): Promise<DevBroker> {
    const b = new DevBroker(opts);
    if (plan.ports.some((p) => p.protocol === 'websockets'))
      opts.onEvent({ event: 'log', level: 'info', message: b.origins.describe() });
    try {
      for (const p of plan.ports) await b.startPort(p);
    } catch (e) {
      await b.stop();
      throw e;
    }
    return b;
  }

  private policy(p: PortPlan): PortPolicy {
    const policy: PortPolicy = {};
    if (p.authn) policy.authenticate = authenticator(p.authn);
    if (p.authz && p.authn) {
      const az = new Authorizer(p.authz.name, p.authz.spec, (d) => this.opts.onEvent(d));
      for (const n of az.notes) this.opts.onEvent({ event: 'log', level: 'warning', message: `port ${p.port}: ${n}` });
      policy.authorizeConnect = (pr, t) => az.connect(pr, t.port);
      policy.authorizePublish = (pr, topic, t, ctx) => az.publish(pr, topic, t.port, ctx?.will);
      policy.authorizeSubscribe = (pr, f, t) => az.subscribe(pr, f, t.port);
    }
    return policy;
  }

  private async startPort(p: PortPlan): Promise<void> {
    const policy = this.policy(p);
    const sockets = new Set<net.Socket>();
    const info = (sock: net.Socket, tlsSocket?: tls.TLSSocket): TransportInfo => ({
      port: p.port,
      protocol: p.protocol,
      tls: !!p.tls,
      remote: `${sock.remoteAddress ?? '?'}:${sock.remotePort ?? '?'}`,
      tlsSocket,
    });
    const tlsOptions: tls.TlsOptions | undefined = p.tls
      ? {
          key: p.tls.keyPem,
          cert: p.tls.certPem,
          minVersion: 'TLSv1.2',
          ciphers: TLS_CIPHERS,
          honorCipherOrder: true,
          ...(p.clientCas?.length
            ? { requestCert: true, rejectUnauthorized: false, ca: p.clientCas.map((c) => c.toString()) }
            : {}),
        }
      : undefined;
    let server: net.Server;
    let wss: WebSocketServer | undefined;
    if (p.protocol === 'mqtt') {
      server = tlsOptions
        ? tls.createServer(tlsOptions, (s) => this.broker.handle(s, info(s, s), policy))
        : net.createServer((s) => this.broker.handle(s, info(s), policy));
    } else {
      const onRequest = (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
        res.end('This port speaks MQTT over WebSockets (subprotocol mqtt).\n');
      };
      server = tlsOptions ? https.createServer(tlsOptions, onRequest) : http.createServer(onRequest);
      wss = new WebSocketServer({
        server: server as http.Server,
        perMessageDeflate: false,
        // A browser page from an origin not allowed gets 403 before any MQTT byte (see origins.ts).
        verifyClient: ({ req }: { req: http.IncomingMessage }) => {
          const o = req.headers.origin;
          if (this.origins.allows(o)) return true;
          this.opts.onEvent({
            event: 'log',
            level: 'warning',
            message: `port ${p.port}: refused a WebSocket connection from a web page at ${JSON.stringify(o)}; --allow-origin ${o} allows that origin`,
          });
          return false;
        },
        maxPayload: (this.opts.maxPacketSize ?? 1024 * 1024) + 16,
        // Any path; the MQTT subprotocol when offered (MQTT 5 §6), else the first one the client names.
        handleProtocols: (protocols) =>
          protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : ([...protocols][0] ?? false),
      });
      wss.on('connection', (ws, req) => {
        const stream = createWebSocketStream(ws);
        stream.on('error', () => {
          /* handled by the connection's close */
        });
        const sock = req.socket;
        this.broker.handle(stream, info(sock, sock instanceof tls.TLSSocket ? sock : undefined), policy);
      });
      wss.on('error', (e) =>
        this.opts.onEvent({ event: 'log', level: 'warning', message: `port ${p.port}: ${e.message}` }),
      );
    }
    server.on('connection', (s: net.Socket) => {
      // MQTT is request/response (a PUBACK frees an in-flight slot): no Nagle delay on small packets.
      s.setNoDelay(true);
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        /* reported by the connection */
      });
    });
    server.on('tlsClientError', (e: Error, s: tls.TLSSocket) => {
      this.opts.onEvent({
        event: 'log',
        level: 'warning',
        message: `port ${p.port}: TLS handshake with ${s.remoteAddress ?? '?'} failed: ${e.message}`,
      });
    });
    server.on('clientError', (_e: Error, s: net.Socket) => {
      s.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      const onError = async (e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') reject(new PortBusyError(p.port, await describeBusyPort(p.port)));
        else if (e.code === 'EACCES')
          reject(
            new PortBusyError(
              p.port,
              `port ${p.port} needs more privileges on this machine (ports below 1024); try --port-offset`,
            ),
          );
        else reject(new Error(`port ${p.port}: ${e.message}`));
      };
      server.once('error', onError);
      server.listen({ port: p.port, host: this.opts.host, exclusive: true }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (e) =>
      this.opts.onEvent({ event: 'log', level: 'error', message: `port ${p.port}: ${e.message}` }),
    );
    this.running.push({ server, sockets, wss });
    const ev = listeningEvent(p, this.opts.host);
    this.listening.push(ev);
    this.opts.onEvent(ev);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.broker.closeAll();
    await Promise.all(
      this.running.map(
        (r) =>
          new Promise<void>((resolve) => {
            r.wss?.close();
            r.server.close(() => resolve());
            for (const s of r.sockets) s.destroy();
          }),
      ),
    );
    this.running = [];
  }
}

function hostForClients(bind: string): string {
  return bind === '127.0.0.1' || bind === '::1' || bind === '0.0.0.0' || bind === '::' || bind === 'localhost'
    ? 'localhost'
    : bind;
}

/** What a user runs to try the port: a mosquitto_pub command (TCP ports) and an MQTT.js URL. */
export function listeningEvent(p: PortPlan, bind: string): ListeningEvent {
  const host = hostForClients(bind);
  const scheme = p.protocol === 'mqtt' ? (p.tls ? 'mqtts' : 'mqtt') : p.tls ? 'wss' : 'ws';
  const url = `${scheme}://${host}:${p.port}${p.protocol === 'websockets' ? '/mqtt' : ''}`;
  const caFile = p.tls?.caFile ?? null;
  const fc = p.firstClient;
  const cert = fc?.cert;
  let mosquitto: string | null = null;
  if (p.protocol === 'mqtt') {
    const common = ['-h', host, '-p', String(p.port), '-V', 'mqttv5'];
    if (p.tls) common.push('--cafile', caFile ? quote(caFile) : '<ca.crt of your issuer>');
    const first = p.authn?.methods[0];
    if (first?.kind === 'X509')
      common.push(
        '--cert',
        cert ? quote(cert.certFile) : 'client.crt',
        '--key',
        cert ? quote(cert.keyFile) : 'client.key',
      );
    else if (first?.kind === 'ServiceAccountToken' && p.satTokenFile) {
      // MQTT 5 enhanced authentication, as AIO's SAT method wants it, with the dev token.
      common.push(
        '-D',
        'connect',
        'authentication-method',
        SAT_METHOD,
        '-D',
        'connect',
        'authentication-data',
        `"$(cat ${quote(p.satTokenFile)})"`,
      );
    }
    if (fc?.username) common.push('-u', quote(fc.username));
    const id = fc?.clientId ?? 'brokerkit-test';
    mosquitto = [
      'mosquitto_pub',
      ...common,
      '-i',
      quote(id),
      '-t',
      quote(fc?.publishTopic ?? 'test'),
      '-m',
      '"hello"',
    ].join(' ');
  }
  return {
    event: 'listening',
    port: p.port,
    protocol: p.protocol,
    tls: !!p.tls,
    host: bind,
    caFile,
    listenerPort: p.listenerPort,
    authentication: p.authn ? p.authn.name : null,
    authorization: p.authz ? p.authz.name : null,
    mosquitto,
    url,
    satTokenFile: p.satTokenFile ?? null,
    clientCert: cert
      ? {
          ...cert,
          args: [
            'client-cert',
            cert.name,
            ...Object.entries(cert.attributes).flatMap(([k, v]) => ['--attribute', `${k}=${v}`]),
          ],
        }
      : null,
  };
}

function quote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export { SAT_METHOD };
