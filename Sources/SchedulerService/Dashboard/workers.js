// The workers page: live workers and coordinators. The worker table is on the overview too.
import { api } from './api.js';
import { fill, h, table, time } from './dom.js';
import { shortId } from './format.js';

/** Workers with their load: tasks held against capacity plus prefetch. */
export function workerTable(workers) {
  const rows = workers.map((worker) => h('tr', { 'data-testid': 'worker-row', 'data-worker-id': worker.worker_id },
    h('td', { class: 'mono' }, String(worker.worker_id)),
    h('td', { class: 'mono' }, worker.address),
    h('td', null, worker.executor ?? '—'),
    h('td', { class: 'nowrap' },
      h('meter', { min: 0, max: Math.max(1, worker.capacity + worker.prefetch), value: worker.in_flight }),
      ` ${worker.in_flight} / ${worker.capacity + worker.prefetch}`),
    h('td', { class: 'num' }, String(worker.capacity)),
    h('td', { class: 'num' }, String(worker.prefetch)),
    h('td', { class: 'num' }, String(worker.free_slots)),
    h('td', { class: 'nowrap' }, time(worker.last_heartbeat))));
  return table(['Worker', 'Address', 'Executor', 'In flight', 'Capacity', 'Prefetch', 'Free slots', 'Last heartbeat'],
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
