/** The time port of the analysis loop: the real clock in actions, a virtual one in tests and replays. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` milliseconds (at once for ms ≤ 0). */
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
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
