/** The time port of the analysis loop: the real clock in actions, a virtual one in tests and replays. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` milliseconds (at once for ms ≤ 0). */
  sleep(ms: number): Promise<void>;
}

/**
 * The longest delay one timer takes: Node stores it as a signed 32-bit count of milliseconds, and a
 * longer one (about 24.8 days and up) is set to 1 ms — it fires at once, with a
 * TimeoutOverflowWarning (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The wall clock. Sleeps of any length: one timer at a time, each at most MAX_TIMER_MS, until the deadline. */
export const systemClock: Clock = {
  now: () => new Date(),
  async sleep(ms) {
    const deadline = Date.now() + ms;
    for (let left = ms; left > 0; left = deadline - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, MAX_TIMER_MS)));
    }
  },
};

/** A clock whose sleep moves time forward at once: replays of saved data, and fast tests. */
export class VirtualClock implements Clock {
  private time: number;
  /** Starts at `start` (default 2026-01-01T00:00:00Z). */
  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.time = start.getTime();
  }
  now(): Date {
    return new Date(this.time);
  }
  async sleep(ms: number): Promise<void> {
    this.time += Math.max(0, ms);
  }
}
