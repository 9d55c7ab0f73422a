// The one way bytes leave the broker for a client, and the one place backpressure is handled. Packets encoded in one
// tick leave in one write (one TLS record or WebSocket frame where possible). When the stream's write() says its
// buffer is full, nothing more is written until it emits `drain`; what is sent meanwhile waits here, counted. The
// broker asks `congested` before it sends an application message: past the soft limit a client gets no QoS 0
// messages and its QoS 1/2 messages wait in its session's bounded queue. A client that does not drain for the stall
// timeout, or whose unsent bytes pass the hard limit (acknowledgements to a client that publishes but never reads),
// is disconnected.
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from './clock';

export interface OutputLimits {
  soft: number;
  hard: number;
  stallTimeoutMs: number;
}

export interface OutputEvents {
  /** The stream drained: the broker may send what waits. */
  writable(): void;
  /** The client does not read: disconnect it (the reason is for the log). */
  stalled(why: string): void;
}

export class Output {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private waitingDrain = false;
  private stallTimer: TimerHandle | undefined;
  private closed = false;
  /** Bytes written to the stream since the connection started (for stats). */
  written = 0;

  constructor(
    private readonly stream: Duplex,
    private readonly limits: OutputLimits,
    private readonly clock: Clock,
    private readonly events: OutputEvents,
  ) {}

  /** Bytes waiting for this client: ours plus what the stream (and TLS) still buffers. */
  get buffered(): number {
    return this.pendingBytes + (this.stream.writableLength ?? 0);
  }

  /** Past the soft limit: send this client no more application messages until it drains. */
  get congested(): boolean {
    return this.buffered >= this.limits.soft;
  }

  write(b: Buffer): void {
    if (this.closed) return;
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes + (this.stream.writableLength ?? 0) > this.limits.hard) {
      this.events.stalled(
        `not reading: ${this.buffered} bytes waiting to be sent is over the ${this.limits.hard}-byte limit`,
      );
      return;
    }
    if (!this.scheduled && !this.waitingDrain) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what waits now (unless the stream asked to wait for `drain`). */
  flush(): void {
    this.scheduled = false;
    if (this.closed || this.waitingDrain || this.pending.length === 0) return;
    if (this.stream.destroyed || !this.stream.writable) {
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.written += data.length;
    if (this.stream.write(data)) {
      // Taken at once (the kernel had room): what waited for room may go now.
      this.events.writable();
    } else {
      this.waitingDrain = true;
      this.stream.once('drain', this.onDrain);
      this.stallTimer = this.clock.setTimeout(() => {
        this.stallTimer = undefined;
        if (this.waitingDrain && !this.closed)
          this.events.stalled(
            `not reading: ${this.buffered} bytes waited ${Math.round(this.limits.stallTimeoutMs / 1000)} s to be sent`,
          );
      }, this.limits.stallTimeoutMs);
    }
  }

  private onDrain = (): void => {
    this.waitingDrain = false;
    this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (this.closed) return;
    this.flush();
    if (!this.waitingDrain) this.events.writable();
  };

  /** Stops; first writes what waits (ignoring a pending `drain`: the stream is about to end) unless told not to. */
  close(flushPending = true): void {
    if (this.closed) return;
    if (flushPending && this.pending.length && !this.stream.destroyed && this.stream.writable) {
      const data = Buffer.concat(this.pending, this.pendingBytes);
      this.written += data.length;
      this.stream.write(data);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.closed = true;
    this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.stream.off('drain', this.onDrain);
  }
}
