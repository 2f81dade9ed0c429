// Text for times, durations and counts. Times are shown in the browser's time zone.

const pad = (n) => String(n).padStart(2, '0');

/** `2026-12-02 19:23:07` in local time, or '' for a missing value. */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `19:23:07` in local time. */
export function clock(iso) {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
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
