// A clock the test moves by hand: the dev broker's keep-alive, expiry and stall deadlines run on it, so a test of a
// 60-second timeout takes no real time and depends on no machine's speed.
import type { Clock, TimerHandle } from '../../server/src/devbroker/mqtt/clock';

interface Timer {
  due: number;
  fn: () => void;
  seq: number;
}

export class FakeClock implements Clock {
  private t: number;
  private timers = new Set<Timer>();
  private seq = 0;

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { due: this.t + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle as Timer);
  }

  /** Timers waiting (for assertions that something was scheduled). */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing every timer that falls due on the way, in order (also those set while firing). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let fired = 0; ; fired++) {
      if (fired > 100000) throw new Error('FakeClock.advance: timers keep re-arming at the same time');
      let next: Timer | undefined;
      for (const x of this.timers)
        if (x.due <= end && (!next || x.due < next.due || (x.due === next.due && x.seq < next.seq))) next = x;
      if (!next) break;
      this.timers.delete(next);
      this.t = Math.max(this.t, next.due);
      next.fn();
    }
    this.t = end;
  }
}
