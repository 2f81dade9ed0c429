// The overview: tasks by state now, throughput and start delays over the summary's window
// (GET /summary), the live workers and the latest tasks.
import { api } from './api.js';
import { barChart, lineChart } from './charts.js';
import { errorBox, fill, h } from './dom.js';
import { clock, duration, number } from './format.js';
import { taskTable } from './tasks.js';
import { workerTable } from './workers.js';

// [state, label, count from the summary, hint]; "scheduled" in the API includes the due tasks.
const TILES = [
  ['scheduled', 'Waiting', (sum) => sum.tasks.scheduled - sum.tasks.due, 'scheduled for later'],
  ['due', 'Due', (sum) => sum.tasks.due, 'time has come, not yet handed out'],
  ['dispatched', 'Dispatched', (sum) => sum.tasks.dispatched, 'handed to a worker'],
  ['running', 'Running', (sum) => sum.tasks.running, 'started on a worker'],
  ['completed', 'Completed', (sum) => sum.finished.completed, 'in the window'],
  ['failed', 'Failed', (sum) => sum.finished.failed, 'in the window'],
  ['cancelled', 'Cancelled', (sum) => sum.finished.cancelled, 'in the window'],
];

function tiles(summary) {
  const minutes = `${summary.window_seconds / 60} min`;
  return h('div', { class: 'tiles' }, TILES.map(([state, label, count, hint]) =>
    h('div', { class: `tile status-${state}`, 'data-testid': `count-${state}` },
      h('span', { class: 'tile-value' }, number(count(summary))),
      h('span', { class: 'tile-label' }, label),
      h('span', { class: 'tile-hint' }, hint === 'in the window' ? `last ${minutes}` : hint))));
}

function charts(summary) {
  const { intervals, interval_seconds: step } = summary;
  const axisLabels = [`−${summary.window_seconds / 60} min`, 'now'];
  const perSecond = (key) => intervals.map((one) => one[key] / step);
  const completed = intervals.reduce((sum, one) => sum + one.completed, 0);
  const delay = (ms) => (ms == null ? '—' : duration(ms));
  const throughput = barChart({
    label: 'Tasks finished per second',
    series: [
      { name: 'completed', label: 'completed / s', values: perSecond('completed') },
      { name: 'failed', label: 'failed / s', values: perSecond('failed') },
    ],
    titles: intervals.map((one) =>
      `${clock(one.start)}: ${one.completed} completed, ${one.failed} failed, ${one.cancelled} cancelled`),
    format: number,
    axisLabels,
  });
  const delays = lineChart({
    label: 'Start delay: how long after it was due a task started',
    series: [
      { name: 'p50', label: 'median', values: intervals.map((one) => one.start_delay_p50_ms) },
      { name: 'p95', label: '95th percentile', values: intervals.map((one) => one.start_delay_p95_ms) },
      { name: 'max', label: 'maximum', values: intervals.map((one) => one.start_delay_max_ms) },
    ],
    titles: intervals.map((one) => `${clock(one.start)}: median ${delay(one.start_delay_p50_ms)}, ` +
      `95th ${delay(one.start_delay_p95_ms)}, max ${delay(one.start_delay_max_ms)}`),
    format: (ms) => (ms === 0 ? '0' : duration(ms)),
    axisLabels,
    minimum: 10, // ms: an idle window still gets a readable scale
  });
  return h('div', { class: 'columns' },
    h('section', { class: 'card', 'data-testid': 'throughput-chart' },
      h('h2', null, 'Throughput ', h('span', { class: 'hint' },
        `${number(completed / summary.window_seconds)} completed / s over ${summary.window_seconds / 60} min`)),
      throughput),
    h('section', { class: 'card', 'data-testid': 'delay-chart' },
      h('h2', null, 'Start delay ', h('span', { class: 'hint' }, `per ${step} s`)), delays));
}

/** / */
export function overviewPage(view, { navigate }) {
  const summary = h('div', { 'data-testid': 'summary' }, h('p', { class: 'empty' }, 'Loading…'));
  const workers = h('div');
  const latest = h('div');
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Overview')), summary,
    h('section', { class: 'card' }, h('h2', null, 'Live workers ', h('a', { href: '/ui/workers', class: 'more' }, 'all workers →')),
      workers),
    h('section', { class: 'card' }, h('h2', null, 'Latest tasks ', h('a', { href: '/ui/tasks', class: 'more' }, 'all tasks →')),
      latest));

  return async () => {
    // Each part shows what it got; one failing call does not blank the others.
    const [summaryAnswer, workerAnswer, taskAnswer] = await Promise.allSettled([
      api('GET', '/summary'), api('GET', '/workers'), api('GET', '/tasks?limit=8')]);
    const show = (element, answer, draw) =>
      fill(element, answer.status === 'fulfilled' ? draw(answer.value) : errorBox(answer.reason));
    show(summary, summaryAnswer, (value) => [tiles(value), charts(value)]);
    show(workers, workerAnswer, (value) => workerTable(value.workers));
    show(latest, taskAnswer, (value) => taskTable(value.tasks, navigate));
  };
}
