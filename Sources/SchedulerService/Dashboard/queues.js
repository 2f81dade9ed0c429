// The queues page: each queue that has settings or unfinished tasks, with its limits, its tasks by
// state, what holds its due tasks back, and Pause or Resume.
import { api } from './api.js';
import { badge, errorBox, fill, h, table } from './dom.js';
import { duration, number } from './format.js';

// What `held_back.limit` names, as the end of "3 tasks held back by …".
const HOLDERS = {
  paused: 'the pause',
  concurrency_limit: 'the concurrency limit',
  rate_limit: 'the rate limit',
  key_concurrency_limit: 'the per-key limit',
};

// [testid suffix, header, count, tooltip]; the API's `scheduled` includes the due tasks.
const COUNTS = [
  ['waiting', 'Waiting', (counts) => counts.scheduled - counts.due, 'scheduled for later'],
  ['due', 'Due', (counts) => counts.due, 'time has come, not yet handed out'],
  ['dispatched', 'Dispatched', (counts) => counts.dispatched, 'handed to a worker'],
  ['running', 'Running', (counts) => counts.running, 'started on a worker'],
];

const none = () => h('span', { class: 'muted' }, 'none');

/** `100 per 1 min`. */
function rate(limit) {
  return limit ? `${number(limit.limit)} per ${duration(limit.period_seconds * 1000)}` : none();
}

/** `3 tasks held back by the concurrency limit`, or a dash. */
function heldBack(hold) {
  if (!hold) return h('span', { class: 'muted' }, '—');
  const tasks = `${number(hold.tasks)} ${hold.tasks === 1 ? 'task' : 'tasks'}`;
  return h('span', { class: 'held-back', 'data-limit': hold.limit }, `${tasks} held back by ${HOLDERS[hold.limit] ?? hold.limit}`);
}

function queueRow(queue, toggle) {
  const cell = (name, content, className) => h('td', { class: className, 'data-testid': `queue-${name}` }, content);
  return h('tr', { 'data-testid': 'queue-row', 'data-queue': queue.name },
    cell('name', queue.name, 'mono queue'),
    cell('state', badge(queue.paused ? 'paused' : 'active')),
    cell('concurrency-limit', queue.concurrency_limit == null ? none() : number(queue.concurrency_limit), 'num'),
    cell('key-limit', queue.key_concurrency_limit == null ? none() : number(queue.key_concurrency_limit), 'num'),
    cell('rate-limit', rate(queue.rate_limit), 'nowrap'),
    COUNTS.map(([name, , count, hint]) =>
      h('td', { class: 'num', title: hint, 'data-testid': `queue-count-${name}` }, number(count(queue.counts)))),
    cell('held-back', heldBack(queue.held_back)),
    h('td', { class: 'row-action' },
      h('button', { 'data-testid': 'pause-queue', onclick: toggle(queue) }, queue.paused ? 'Resume' : 'Pause')));
}

/** /ui/queues */
export function queuesPage(view, { refresh }) {
  const result = h('div', { class: 'form-result' });
  const list = h('div', { 'data-testid': 'queues-list' }, h('p', { class: 'empty' }, 'Loading…'));
  // POST /queues/{name}/pause or /resume, then the page shows the queue as the API now has it.
  const toggle = (queue) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      result.replaceChildren();
      await api('POST', `/queues/${encodeURIComponent(queue.name)}/${queue.paused ? 'resume' : 'pause'}`);
      await refresh();
    } catch (error) {
      fill(result, errorBox(error));
    } finally {
      button.disabled = false;
    }
  };
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Queues')),
    h('p', { class: 'hint page-note' }, 'Queues that have settings or unfinished tasks. A paused queue starts none of its tasks; ' +
      'those already running go on.'),
    result, h('section', { class: 'card' }, list));

  return async () => {
    const { queues } = await api('GET', '/queues');
    fill(list, table(
      ['Queue', 'State', 'Concurrency', 'Per key', 'Rate', ...COUNTS.map(([, header]) => header), 'Held back', ''],
      queues.map((queue) => queueRow(queue, toggle)),
      { empty: 'No queue has settings or unfinished tasks.', testid: 'queues-table' }));
  };
}
