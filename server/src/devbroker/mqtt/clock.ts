// One clock for everything in the broker that depends on time: keep-alive, the CONNECT deadline, session expiry, will
// delay, message expiry and the stalled-client deadline. Tests pass a clock of their own and move time forward
// instead of waiting real seconds.

/** A timer handle as the clock hands it out (opaque to the broker). */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** node's timers cap a delay at 2^31-1 ms (about 24.8 days); longer ones are chained. */
const MAX_DELAY = 2 ** 31 - 1;

interface SystemTimer {
  t: NodeJS.Timeout | undefined;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const h: SystemTimer = { t: undefined };
    const due = Date.now() + ms;
    const arm = (left: number) => {
      h.t = setTimeout(
        () => {
          const rest = due - Date.now();
          if (rest > 0) arm(rest);
          else fn();
        },
        Math.min(Math.max(left, 0), MAX_DELAY),
      );
    };
    arm(ms);
    return h;
  },
  clearTimeout(handle) {
    if (handle) clearTimeout((handle as SystemTimer).t);
  },
};
