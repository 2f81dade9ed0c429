// The workers page: live workers and coordinators. The worker table is on the overview too.
import { api } from './api.js';
import { fill, h, table, time } from './dom.js';
import { shortId } from './format.js';

/**
 * A worker's load: the tasks it holds against its capacity (the tasks it runs at once), those
 * queued beyond it, and the prefetch places it offers beyond its capacity, apart.
 */
function load(worker) {
  const { capacity, prefetch, in_flight: held } = worker;
  // A worker never runs more than its capacity; whatever it holds beyond waits in its queue.
  const queued = Math.max(0, held - capacity);
  return [
    h('meter', { min: 0, max: Math.max(1, capacity), value: Math.min(held, capacity), 'data-testid': 'worker-meter' }),
    ' ', h('span', { class: 'nowrap', 'data-testid': 'worker-in-flight' }, `${held - queued} / ${capacity}`),
    queued ? [' ', h('span', { class: 'nowrap', 'data-testid': 'worker-queued' }, `+${queued} queued`)] : null,
    prefetch ? [' ', h('span', { class: 'hint nowrap', 'data-testid': 'worker-prefetch' }, `+${prefetch} prefetch`)] : null,
  ];
}

/** Workers with their load. */
export function workerTable(workers) {
  const rows = workers.map((worker) => h('tr', { 'data-testid': 'worker-row', 'data-worker-id': worker.worker_id },
    h('td', { class: 'mono' }, String(worker.worker_id)),
    h('td', { class: 'mono' }, worker.address),
    h('td', null, worker.executor ?? '—'),
    h('td', {
      class: 'load',
      title: `${worker.in_flight} held (running or queued), ${worker.capacity} run at once, ` +
        `${worker.prefetch} more may wait in its queue (prefetch)`,
    }, load(worker)),
    h('td', { class: 'num' }, String(worker.free_slots)),
    // A worker that names no queues takes tasks from every queue.
    h('td', { 'data-testid': 'worker-queues' }, worker.queues ? worker.queues.join(', ') : h('span', { class: 'muted' }, 'all')),
    h('td', { class: 'nowrap' }, time(worker.last_heartbeat))));
  return table(['Worker', 'Address', 'Executor', 'In flight / capacity', 'Free slots', 'Queues', 'Last heartbeat'],
    rows, { empty: 'No live worker.', testid: 'workers-table' });
}

function coordinatorTable(coordinators) {
  const rows = coordinators.map((coordinator) => h('tr', { 'data-testid': 'coordinator-row' },
    h('td', { class: 'mono', title: coordinator.coordinator_id }, shortId(coordinator.coordinator_id)),
    h('td', { class: 'mono' }, coordinator.address),
    h('td', { class: 'num' }, String(coordinator.workers)),
    h('td', { class: 'nowrap' }, time(coordinator.last_heartbeat))));
  return table(['Coordinator', 'Address', 'Workers', 'Last heartbeat'], rows,
    { empty: 'No live coordinator.', testid: 'coordinators-table' });
}

/** /ui/workers */
export function workersPage(view) {
  const workers = h('div', null, h('p', { class: 'empty' }, 'Loading…'));
  const coordinators = h('div');
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Workers')),
    h('section', { class: 'card' }, h('h2', null, 'Live workers'), workers),
    h('section', { class: 'card' }, h('h2', null, 'Coordinators'), coordinators));
  return async () => {
    const [workerList, coordinatorList] = await Promise.all([api('GET', '/workers'), api('GET', '/coordinators')]);
    fill(workers, workerTable(workerList.workers));
    fill(coordinators, coordinatorTable(coordinatorList.coordinators));
  };
}
