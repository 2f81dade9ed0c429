// The tasks pages: the list with its filters and the "schedule a task" form, and one task's detail.
import { api, streamText } from './api.js';
import { append, badge, errorBox, fields, fill, formValues, h, pager, table, time } from './dom.js';
import { between, localZone, shortId } from './format.js';

const STATUSES = ['scheduled', 'dispatched', 'running', 'completed', 'failed', 'cancelled'];
const UNFINISHED = ['scheduled', 'dispatched', 'running'];
const RETRYABLE = ['failed', 'cancelled'];
const PAGE_SIZE = 50;

const finishedAt = (task) => task.completed_at ?? task.failed_at ?? task.cancelled_at;

/** A table of tasks; a click on a row opens the task. */
export function taskTable(tasks, navigate, { empty = 'No tasks.' } = {}) {
  const rows = tasks.map((task) => {
    const href = `/ui/tasks/${task.task_id}`;
    const open = (event) => {
      // Leave links and text selections alone.
      if (!event.target.closest('a') && !String(getSelection())) navigate(href);
    };
    return h('tr', { class: 'clickable', 'data-testid': 'task-row', 'data-task-id': task.task_id, onclick: open },
      h('td', null, badge(task.status)),
      h('td', null, h('a', { href, class: 'mono' }, shortId(task.task_id))),
      h('td', { class: 'command', title: task.command }, h('code', { 'data-testid': 'task-command' }, task.command)),
      h('td', { class: 'mono queue', 'data-testid': 'task-queue' }, task.queue),
      h('td', { class: 'num', 'data-testid': 'task-priority' }, String(task.priority)),
      h('td', { class: 'nowrap' }, time(task.scheduled_at)),
      h('td', { class: 'num' }, `${task.attempts}/${task.max_attempts}`),
      h('td', { class: 'num nowrap' }, between(task.started_at, finishedAt(task)) || '—'));
  });
  return table(['Status', 'Task', 'Command', 'Queue', 'Priority', 'Scheduled', 'Attempts', 'Took'], rows,
    { empty, testid: 'tasks-table' });
}

/** The inputs of a task's queue, priority and concurrency key, for the forms that make tasks. */
export function placementInputs() {
  return h('div', { class: 'row' },
    h('label', null, 'Queue',
      h('input', { name: 'queue', placeholder: 'default', spellcheck: 'false', maxlength: 64,
        pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]*', title: 'letters, digits, ".", "_" or "-", starting with a letter or a digit',
        'data-testid': 'new-queue' })),
    h('label', null, h('span', null, 'Priority ', h('span', { class: 'hint' }, '(higher starts first)')),
      h('input', { type: 'number', name: 'priority', min: -100, max: 100, placeholder: '0', 'data-testid': 'new-priority' })),
    h('label', null, h('span', null, 'Concurrency key ', h('span', { class: 'hint' }, '(optional)')),
      h('input', { name: 'concurrency_key', maxlength: 255, spellcheck: 'false', 'data-testid': 'new-concurrency-key' })));
}

/** Adds to a request `body` the queue, priority and concurrency key filled in `placementInputs`. */
export function addPlacement(body, values) {
  if (values.queue) body.queue = values.queue;
  if (values.priority) body.priority = Number(values.priority);
  if (values.concurrency_key) body.concurrency_key = values.concurrency_key;
  return body;
}

/** POST /schedule from a small form: a command, a time (empty means now) and where the task waits. */
function scheduleForm(onScheduled) {
  const result = h('div', { class: 'form-result' });
  const form = h('form', { class: 'stack', 'data-testid': 'schedule-task-form' },
    h('label', null, 'Command',
      h('textarea', { name: 'command', rows: 2, required: true, spellcheck: 'false', 'data-testid': 'new-task-command',
        placeholder: 'echo hello' })),
    h('div', { class: 'row' },
      h('label', null, h('span', null, 'Run at ', h('span', { class: 'hint' }, `(${localZone} time; empty: now)`)),
        h('input', { type: 'datetime-local', name: 'scheduled_at', step: 1, 'data-testid': 'new-task-time' })),
      h('label', null, 'Max attempts',
        h('input', { type: 'number', name: 'max_attempts', min: 1, max: 100, placeholder: '1' })),
      h('label', null, 'Timeout (s)',
        h('input', { type: 'number', name: 'timeout_seconds', min: 1, placeholder: 'none' }))),
    placementInputs(),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'new-task-submit' }, 'Schedule')),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const body = {
      command: values.command,
      // datetime-local is the browser's local time; the API takes an absolute instant.
      scheduled_at: (values.scheduled_at ? new Date(values.scheduled_at) : new Date()).toISOString(),
    };
    if (values.max_attempts) body.max_attempts = Number(values.max_attempts);
    if (values.timeout_seconds) body.timeout_seconds = Number(values.timeout_seconds);
    addPlacement(body, values);
    try {
      const task = await api('POST', '/schedule', body);
      form.reset();
      document.activeElement?.blur();
      fill(result, h('p', { class: 'notice ok', 'data-testid': 'new-task-result' }, 'Scheduled task ',
        h('a', { href: `/ui/tasks/${task.task_id}`, class: 'mono' }, shortId(task.task_id)), '.'));
      onScheduled();
    } catch (error) {
      fill(result, errorBox(error));
    }
  });
  return h('details', { class: 'card' }, h('summary', null, 'Schedule a task'), form);
}

/** /ui/tasks?status=&schedule_id=&after= */
export function tasksPage(view, { query, navigate, refresh }) {
  const status = query.get('status') ?? '';
  const scheduleId = query.get('schedule_id') ?? '';
  const filters = h('form', { class: 'filters', 'data-testid': 'task-filters' },
    h('label', null, 'Status',
      h('select', { name: 'status', 'data-testid': 'status-filter' },
        h('option', { value: '' }, 'all'),
        STATUSES.map((one) => h('option', { value: one, selected: one === status }, one)))),
    h('label', null, 'Schedule',
      h('input', { name: 'schedule_id', value: scheduleId, placeholder: 'schedule id', spellcheck: 'false',
        'data-testid': 'schedule-filter' })),
    h('button', { type: 'submit' }, 'Apply'),
    status || scheduleId ? h('a', { href: '/ui/tasks', class: 'clear' }, 'Clear filters') : null);
  const apply = () => {
    const values = formValues(filters);
    const next = new URLSearchParams();
    if (values.status) next.set('status', values.status);
    if (values.schedule_id) next.set('schedule_id', values.schedule_id);
    navigate(`/ui/tasks${next.size ? `?${next}` : ''}`);
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  filters.elements.status.addEventListener('change', apply);

  const list = h('div', { 'data-testid': 'tasks-list' }, h('p', { class: 'empty' }, 'Loading…'));
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Tasks')), scheduleForm(refresh),
    h('section', { class: 'card' }, filters, list));

  return async () => {
    const request = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const name of ['status', 'schedule_id', 'after']) {
      if (query.get(name)) request.set(name, query.get(name));
    }
    const page = await api('GET', `/tasks?${request}`);
    fill(list, taskTable(page.tasks, navigate, { empty: status || scheduleId ? 'No task matches.' : 'No tasks yet.' }),
      pager(query, page.next));
  };
}

/** The labels and values of every field of a task, in a reading order; unknown fields at the end. */
function taskFields(task) {
  const known = {
    task_id: ['Task', h('span', { class: 'mono' }, task.task_id)],
    status: ['Status', badge(task.status)],
    attempts: ['Attempts', h('span', { 'data-testid': 'task-attempts' }, `${task.attempts} of ${task.max_attempts}`)],
    max_attempts: null,
    queue: ['Queue', h('span', { class: 'mono', 'data-testid': 'task-queue' }, task.queue)],
    priority: ['Priority', h('span', { 'data-testid': 'task-priority' }, String(task.priority))],
    concurrency_key: ['Concurrency key', h('span', { class: 'mono', 'data-testid': 'task-concurrency-key' }, task.concurrency_key)],
    scheduled_at: ['Scheduled at', time(task.scheduled_at, { withRelative: false })],
    next_attempt_at: ['Next attempt at', time(task.next_attempt_at, { withRelative: false })],
    picked_at: ['Dispatched at', time(task.picked_at, { withRelative: false })],
    started_at: ['Started at', time(task.started_at, { withRelative: false })],
    completed_at: ['Completed at', time(task.completed_at, { withRelative: false })],
    failed_at: ['Failed at', time(task.failed_at, { withRelative: false })],
    cancelled_at: ['Cancelled at', time(task.cancelled_at, { withRelative: false })],
    timeout_seconds: ['Timeout', `${task.timeout_seconds} s`],
    worker_id: ['Worker', String(task.worker_id)],
    exit_code: ['Exit code', h('span', { 'data-testid': 'task-exit-code' }, String(task.exit_code))],
    output_bytes: ['Output', h('span', { 'data-testid': 'task-output-bytes' },
      `${task.output_bytes} bytes${task.output_truncated ? ' (head and tail kept)' : ''}`)],
    output_truncated: null,
    error: ['Error', h('span', { class: 'error-text', 'data-testid': 'task-error' }, task.error)],
    schedule_id: ['Schedule', h('a', { href: `/ui/schedules/${task.schedule_id}`, class: 'mono' }, task.schedule_id)],
    nominal_time: ['Fire time', time(task.nominal_time, { withRelative: false })],
    created_by: ['Created by', h('span', { 'data-testid': 'task-created-by' }, task.created_by)],
    trace_id: ['Trace', h('span', { class: 'mono', 'data-testid': 'task-trace-id' }, task.trace_id)],
    command: null,
    output: null,
  };
  const pairs = Object.keys(known).filter((key) => key in task && known[key]).map((key) => known[key]);
  const took = between(task.started_at, finishedAt(task));
  if (took) pairs.push(['Took', took]);
  for (const [key, value] of Object.entries(task)) {
    if (!(key in known)) pairs.push([key, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return pairs;
}

/** /ui/tasks/{id}: every field, the output (followed live while the task runs), and Cancel or Retry. */
export function taskDetailPage(view, { params: [id] }) {
  const head = h('div', { class: 'page-head' }, h('h1', null, 'Task ', h('span', { class: 'mono' }, shortId(id))));
  const result = h('div', { class: 'form-result' });
  const body = h('div', { class: 'sections' }, h('p', { class: 'empty' }, 'Loading…'));
  const path = `/tasks/${encodeURIComponent(id)}`;
  const output = outputSection(`${path}/output`);
  let shown = '';

  const draw = (task) => {
    // Redrawn only when the task changed, so a scrolled output stays where it is.
    const json = JSON.stringify(task);
    if (json === shown) return;
    shown = json;
    fill(head, h('h1', null, 'Task ', h('span', { class: 'mono' }, shortId(task.task_id))), badge(task.status));
    cancel.hidden = !UNFINISHED.includes(task.status);
    retry.hidden = !RETRYABLE.includes(task.status);
    fill(body,
      h('section', { class: 'card' }, h('h2', null, 'Command'),
        h('pre', { class: 'command-block', 'data-testid': 'task-command' }, task.command)),
      h('section', { class: 'card' }, h('h2', null, 'Details'), fields(taskFields(task))),
      output.section);
    output.update(task);
  };
  const act = (action) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      draw(await api('POST', `${path}/${action}`));
      result.replaceChildren();
    } catch (error) {
      fill(result, errorBox(error));
    } finally {
      button.disabled = false;
    }
  };
  const cancel = h('button', { class: 'danger', 'data-testid': 'cancel-task', hidden: true, onclick: act('cancel') }, 'Cancel');
  const retry = h('button', { class: 'primary', 'data-testid': 'retry-task', hidden: true, onclick: act('retry') }, 'Retry');

  append(view, h('p', { class: 'crumbs' }, h('a', { href: '/ui/tasks' }, '← Tasks')), head,
    h('div', { class: 'actions' }, cancel, retry), result, body);
  return async () => draw(await api('GET', path));
}

/**
 * The output card of a task's page. While the task runs it follows GET {outputPath}?follow=true,
 * which sends the output as the task prints it and ends when the task ends; otherwise it reads
 * the output once each time the task's state changes (a new attempt, an end).
 */
function outputSection(outputPath) {
  const box = h('pre', { class: 'output', 'data-testid': 'task-output', hidden: true });
  const empty = h('p', { class: 'empty', 'data-testid': 'task-output-empty' }, 'No output yet.');
  const section = h('section', { class: 'card' }, h('h2', null, 'Output'), box, empty);
  let reading = false;
  let readVersion = null;

  const read = async (follow) => {
    reading = true;
    let text = '';
    try {
      await streamText(follow ? `${outputPath}?follow=true` : outputPath, (piece) => {
        if (!section.isConnected) throw new Error('the page was left');
        text += piece;
        box.textContent = text;
        box.hidden = text === '';
        empty.hidden = text !== '';
      });
    } catch {
      // The page was left or the scheduler went away: the next refresh reads again.
      readVersion = null;
    } finally {
      reading = false;
    }
  };
  const update = (task) => {
    const version = `${task.attempts}/${task.status}`;
    if (reading || version === readVersion) return;
    readVersion = version;
    read(['dispatched', 'running'].includes(task.status));
  };
  return { section, update };
}
