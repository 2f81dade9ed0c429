// Text for times, durations and counts. Every time is shown with its zone: the browser's own zone,
// or the zone a schedule reads its cron in.

/** The browser's IANA time zone. */
export const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

// Intl formatters are costly to make; one per zone, kept.
const formatters = new Map();

function formattersFor(zone) {
  const key = zone ?? '';
  if (!formatters.has(key)) {
    // A zone the browser does not know (its tz data lag the scheduler's) falls back to the browser's.
    let timeZone = zone;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
    } catch {
      timeZone = undefined;
    }
    formatters.set(key, {
      known: timeZone === zone,
      clock: new Intl.DateTimeFormat('en-US', {
        timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      }),
      // The zone's short name in the reader's language: `UTC`, `EST`, `GMT+5:30`, `MEZ`.
      name: new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'short' }),
    });
  }
  return formatters.get(key);
}

/** `zone` if the browser knows it, else undefined (the browser's own zone). */
export function knownZone(zone) {
  return zone && formattersFor(zone).known ? zone : undefined;
}

/**
 * An instant on the wall clock of `zone` (an IANA name; the browser's zone when left out):
 * `{date: '2026-12-02', clock: '19:23:07', zone: 'CET'}`, or null for a missing or invalid value.
 */
export function wallClock(iso, zone) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const { clock, name } = formattersFor(zone);
  const part = {};
  for (const { type, value } of clock.formatToParts(d)) part[type] = value;
  return {
    date: `${part.year}-${part.month}-${part.day}`,
    clock: `${part.hour}:${part.minute}:${part.second}`,
    zone: name.formatToParts(d).find((one) => one.type === 'timeZoneName')?.value ?? zone ?? localZone,
  };
}

/** `2026-12-02 19:23:07 CET` in `zone` (the browser's when left out), or '' for a missing value. */
export function dateTime(iso, zone) {
  if (!iso) return '';
  const wall = wallClock(iso, zone);
  return wall ? `${wall.date} ${wall.clock} ${wall.zone}` : iso;
}

/** `19:23:07 CET` in the browser's zone. */
export function clock(iso) {
  const wall = wallClock(iso);
  return wall ? `${wall.clock} ${wall.zone}` : iso;
}

/** `850 ms`, `2.3 s`, `4 min 5 s`, `1 h 2 min`, `3 d 4 h`. */
export function duration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 10_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const s = Math.round(ms / 1000);
  if (Math.abs(s) < 60) return `${s} s`;
  const [big, small, units] = Math.abs(s) < 3600 ? [60, 1, ['min', 's']]
    : Math.abs(s) < 86_400 ? [3600, 60, ['h', 'min']] : [86_400, 3600, ['d', 'h']];
  const whole = Math.trunc(s / big);
  const rest = Math.trunc(Math.abs(s % big) / small);
  return rest ? `${whole} ${units[0]} ${rest} ${units[1]}` : `${whole} ${units[0]}`;
}

/** `in 4 s`, `12 s ago`, `3 min ago` relative to `now` (milliseconds). */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const delta = new Date(iso).getTime() - now;
  if (Math.abs(delta) < 1000) return 'now';
  // Rounded to whole seconds first, so `12.3 s ago` does not flicker between refreshes.
  const text = duration(Math.round(Math.abs(delta) / 1000) * 1000);
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

/** The time between two instants, or '' when either is missing. */
export function between(startIso, endIso) {
  if (!startIso || !endIso) return '';
  return duration(new Date(endIso).getTime() - new Date(startIso).getTime());
}

/** The first block of a UUID, enough to tell tasks apart on one screen. */
export function shortId(id) {
  return String(id).split('-')[0];
}

/** A rate or a count, with at most two decimals and no trailing zeros. */
export function number(n) {
  if (n == null) return '';
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(Math.round(n * 100) / 100);
}
