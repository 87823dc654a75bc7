// Human durations the way kubectl and the API server's tables write them ("5m", "3h2m",
// "45s", "2y30d"): k8s.io/apimachinery/pkg/util/duration. Ages in `kubectl get` come from the
// server, so these rules must match Kubernetes to the character.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's integer conversion of a float: truncation toward zero. */
const trunc = Math.trunc;

/**
 * duration.HumanDuration: ~2-3 significant figures. A clock up to 2s behind counts as "0s";
 * anything further in the future is "<invalid>".
 */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = trunc(hours / 24) % 365;
    const years = trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** duration.ShortHumanDuration: one unit only ("90s" is "1m", "50h" is "2d"). */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(ms / HOUR / 24 / 365)}y`;
}

/** Go's zero time, which JSON carries as "0001-01-01T00:00:00Z" and means "unset". */
const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/**
 * A metav1.Time or MicroTime from JSON as ms since the epoch; undefined when unset (missing,
 * null, Go's zero time) or not a timestamp at all.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms === GO_ZERO_TIME) return undefined;
  return ms;
}

/** The AGE cell: time since the timestamp, or "<unknown>" when it is unset. */
export function translateTimestampSince(timestamp: unknown, now: number): string {
  const t = parseTimestamp(timestamp);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

/** Time until the timestamp, or "<unknown>" when it is unset. */
export function translateTimestampUntil(timestamp: unknown, now: number): string {
  const t = parseTimestamp(timestamp);
  return t === undefined ? '<unknown>' : humanDuration(t - now);
}
