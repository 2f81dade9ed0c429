// Small inline SVG charts over equal time intervals, built with DOM calls. Colours come from
// dashboard.css through each series' class (series-<name>), so they follow the colour scheme.
import { h, s } from './dom.js';

// The SVG scales to its box; a narrower coordinate system on phones keeps its text readable.
const narrow = window.matchMedia('(max-width: 640px)');
const HEIGHT = 190;
const LEFT = 56;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 22;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
const width = () => (narrow.matches ? 360 : 640);
const plotWidth = () => width() - LEFT - RIGHT;

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= value);
}

/** The chart's frame: grid lines with their values on the left, time labels below. */
function frame({ max, format, axisLabels, label }) {
  const svg = s('svg', { viewBox: `0 0 ${width()} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'chart-svg' });
  for (const fraction of [0, 0.5, 1]) {
    const y = TOP + PLOT_HEIGHT * (1 - fraction);
    svg.append(
      s('line', { x1: LEFT, x2: width() - RIGHT, y1: y, y2: y, class: fraction === 0 ? 'axis' : 'grid' }),
      s('text', { x: LEFT - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, format(max * fraction)));
  }
  svg.append(
    s('text', { x: LEFT, y: HEIGHT - 4, class: 'tick' }, axisLabels[0]),
    s('text', { x: width() - RIGHT, y: HEIGHT - 4, 'text-anchor': 'end', class: 'tick' }, axisLabels[1]));
  return svg;
}

function legend(series) {
  return h('ul', { class: 'legend' }, series.map((one) =>
    h('li', null, h('span', { class: `swatch series-${one.name}` }), one.label)));
}

/**
 * Stacked bars, one per interval.
 * series: [{name, label, values: [n, …]}] (bottom first); titles: one tooltip line per interval.
 */
export function barChart({ series, titles, format, axisLabels, label }) {
  const count = titles.length;
  const totals = titles.map((_, i) => series.reduce((sum, one) => sum + (one.values[i] ?? 0), 0));
  const max = niceMax(Math.max(...totals));
  const svg = frame({ max, format, axisLabels, label });
  const slot = plotWidth() / count;
  titles.forEach((title, i) => {
    const group = s('g', null, s('title', null, title));
    // An invisible full-height rectangle makes the tooltip reachable over empty intervals too.
    group.append(s('rect', { x: LEFT + i * slot, y: TOP, width: slot, height: PLOT_HEIGHT, class: 'hover-target' }));
    let base = 0;
    for (const one of series) {
      const value = one.values[i] ?? 0;
      if (value <= 0) continue;
      const top = base + value;
      group.append(s('rect', {
        x: LEFT + i * slot + slot * 0.15, width: slot * 0.7,
        y: TOP + PLOT_HEIGHT * (1 - top / max), height: PLOT_HEIGHT * (value / max),
        class: `bar series-${one.name}`,
      }));
      base = top;
    }
    svg.append(group);
  });
  return h('figure', { class: 'chart' }, svg, legend(series));
}

/**
 * Lines, one point per interval; a null value leaves a gap.
 * series: [{name, label, values: [n|null, …]}]; titles: one tooltip line per interval;
 * the axis goes up to at least `minimum`.
 */
export function lineChart({ series, titles, format, axisLabels, label, minimum = 1 }) {
  const values = series.flatMap((one) => one.values).filter((v) => v != null);
  const max = niceMax(Math.max(minimum, ...values));
  const svg = frame({ max, format, axisLabels, label });
  const slot = plotWidth() / titles.length;
  const x = (i) => LEFT + (i + 0.5) * slot;
  const y = (v) => TOP + PLOT_HEIGHT * (1 - v / max);
  for (const one of series) {
    let run = [];
    const flush = () => {
      if (run.length > 1) svg.append(s('polyline', { points: run.join(' '), class: `line series-${one.name}` }));
      run = [];
    };
    one.values.forEach((v, i) => {
      if (v == null) return flush();
      run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      svg.append(s('circle', { cx: x(i), cy: y(v), r: 2.5, class: `dot series-${one.name}` }));
    });
    flush();
  }
  titles.forEach((title, i) => svg.append(s('rect', {
    x: LEFT + i * slot, y: TOP, width: slot, height: PLOT_HEIGHT, class: 'hover-target',
  }, s('title', null, title))));
  return h('figure', { class: 'chart' }, svg, legend(series));
}
