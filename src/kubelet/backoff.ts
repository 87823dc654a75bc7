// client-go's flowcontrol.Backoff as the kubelet uses it for crash loops and image pulls: per
// key, the delay starts at `initial`, doubles on each failure up to `max`, and starts over once
// an event comes more than 2 × max after the previous one (a container that ran ten minutes).

import type { Clock } from '../machinery/clock.js';

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs: number,
    readonly maxMs: number,
  ) {}

  /** The current delay for the key (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }

  /** Records a failure at eventTime: the delay grows (or starts over after a long quiet spell). */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e.lastUpdate)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: this.clock.now() });
  }

  /** Whether the key is still backing off from an event at eventTime. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    const now = this.clock.now();
    if (this.expired(now, e.lastUpdate)) return false;
    return now - eventTime < e.backoffMs;
  }

  /** Whether the key is backing off from its last update (image pulls). */
  isInBackOffSinceUpdate(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (this.expired(eventTime, e.lastUpdate)) return false;
    return eventTime - e.lastUpdate < e.backoffMs;
  }

  /** When the key's current back-off ends, counted from eventTime. */
  until(key: string, eventTime: number): number {
    return eventTime + this.get(key);
  }

  /** When the back-off that started at the key's last update ends. */
  expiresAt(key: string): number | undefined {
    const e = this.entries.get(key);
    return e && e.lastUpdate + e.backoffMs;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops keys whose back-off lapsed long ago. */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (now - e.lastUpdate > this.maxMs * 2) this.entries.delete(k);
  }

  /** Drops every key starting with the prefix (a pod's containers when it goes). */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/** Go's time.Duration String for whole milliseconds: "10s", "1m20s", "5m0s", "500ms". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const total = ms / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total - h * 3600) / 60);
  const s = total - h * 3600 - m * 60;
  const sText = `${Number.isInteger(s) ? s : Number(s.toFixed(9))}s`;
  if (h > 0) return `${h}h${m}m${sText}`;
  if (m > 0) return `${m}m${sText}`;
  return sText;
}
