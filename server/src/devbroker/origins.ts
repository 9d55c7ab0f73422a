// Which web pages may open the dev broker's WebSockets ports. A browser sends the page's origin with every WebSocket
// handshake and lets any page connect anywhere, so without this check any site open in the user's browser could
// subscribe to '#' on ws://localhost and publish. Native and Node clients (mosquitto, MQTT.js in node) send no
// Origin and are not affected. Default: no browser page at all — loopback origins are not trusted either, because
// every local web server (a framework's dev server, a notebook, another tool's UI) serves from loopback.

export const ANY_ORIGIN = '*';

/** An `--allow-origin` value as the browser would send it (scheme://host[:port], lower case), or `*`. */
export function parseOrigin(value: string): string {
  const v = value.trim();
  if (v === ANY_ORIGIN) return v;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(
      `--allow-origin '${value}' is not an origin: write it as scheme://host[:port], e.g. http://localhost:5173`,
    );
  }
  if (u.origin === 'null' || u.pathname.length > 1 || u.search || u.hash || u.username)
    throw new Error(
      `--allow-origin '${value}' is not an origin: write only scheme://host[:port] (no path), e.g. ${u.origin !== 'null' ? u.origin : 'http://localhost:5173'}`,
    );
  return u.origin;
}

export class OriginPolicy {
  private readonly allowed: Set<string>;
  constructor(origins: readonly string[] = []) {
    this.allowed = new Set(origins.map(parseOrigin));
  }
  get any(): boolean {
    return this.allowed.has(ANY_ORIGIN);
  }
  /** No Origin header (not a browser): allowed. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.any) return true;
    let o = origin.trim().toLowerCase();
    try {
      if (o !== 'null') o = new URL(o).origin;
    } catch {
      return false;
    }
    return this.allowed.has(o);
  }
  /** One line for the start-up log. */
  describe(): string {
    if (this.any) return 'WebSockets ports accept browser pages from any origin (--allow-origin *)';
    if (!this.allowed.size)
      return 'WebSockets ports refuse browser pages (clients that send an Origin); --allow-origin ORIGIN allows one';
    return `WebSockets ports accept browser pages only from ${[...this.allowed].join(', ')}`;
  }
}
