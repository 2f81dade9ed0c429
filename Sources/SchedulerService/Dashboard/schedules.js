// The schedules pages: the list with the "new schedule" form, and one schedule's detail with its
// upcoming fires, its tasks, and pause/resume, trigger and delete.
import { api } from './api.js';
import { badge, errorBox, fields, fill, formValues, h, pager, table, time } from './dom.js';
import { localZone, shortId } from './format.js';
import { addPlacement, placementInputs, taskTable } from './tasks.js';

const OVERLAPS = ['skip', 'buffer_one', 'allow', 'cancel_previous'];
const INTEGER_FIELDS = ['max_attempts', 'timeout_seconds', 'catchup_window_seconds', 'jitter_seconds'];

const stateBadge = (schedule) => badge(schedule.paused ? 'paused' : 'active');
const scheduleName = (schedule) => schedule.name ?? shortId(schedule.schedule_id);
// `America/Argentina/Buenos_Aires` may break after each slash in a narrow column.
const breakable = (zone) => zone.split('/').flatMap((part, i) => (i ? [h('wbr'), `/${part}`] : [part]));
// A schedule's fire times are shown on the clock its cron is read on (and on the browser's too).
const fireTime = (schedule, iso, options) => time(iso, { ...options, zone: schedule.timezone });

function scheduleTable(schedules, navigate) {
  const rows = schedules.map((schedule) => {
    const href = `/ui/schedules/${schedule.schedule_id}`;
    const open = (event) => {
      if (!event.target.closest('a') && !String(getSelection())) navigate(href);
    };
    return h('tr', { class: 'clickable', 'data-testid': 'schedule-row', 'data-schedule-id': schedule.schedule_id, onclick: open },
      h('td', { class: 'name' }, h('a', { href, title: scheduleName(schedule) }, scheduleName(schedule))),
      h('td', { class: 'cron' }, h('code', null, schedule.cron), ' ', h('span', { class: 'hint zone' }, breakable(schedule.timezone))),
      h('td', { class: 'command', title: schedule.command }, h('code', null, schedule.command)),
      h('td', null, stateBadge(schedule)),
      h('td', { class: 'mono queue', 'data-testid': 'schedule-queue' }, schedule.queue),
      h('td', { class: 'when', 'data-testid': 'next-fire' }, fireTime(schedule, schedule.next_fire_times[0])),
      h('td', { class: 'when', 'data-testid': 'last-fire' }, fireTime(schedule, schedule.last_fire_at)),
      h('td', { class: 'num nowrap' }, `${schedule.counts.fired} / ${schedule.counts.skipped} / ${schedule.counts.missed}`));
  });
  return table(['Name', 'Cron', 'Command', 'State', 'Queue', 'Next fire', 'Last fire', 'Fired / skipped / missed'], rows,
    { empty: 'No schedules yet.', testid: 'schedules-table' });
}

/** POST /schedules; on success opens the new schedule. */
function createForm(navigate) {
  const zones = Intl.supportedValuesOf?.('timeZone') ?? [];
  const number = (name, label, placeholder, min) =>
    h('label', null, label, h('input', { type: 'number', name, min, placeholder }));
  const result = h('div', { class: 'form-result' });
  const form = h('form', { class: 'stack', 'data-testid': 'new-schedule-form' },
    h('div', { class: 'row' },
      h('label', null, h('span', null, 'Name ', h('span', { class: 'hint' }, '(optional, unique)')),
        h('input', { name: 'name', maxlength: 200, 'data-testid': 'new-schedule-name' })),
      h('label', null, 'Cron',
        h('input', { name: 'cron', required: true, spellcheck: 'false', placeholder: '*/5 * * * *  or  @every 90s',
          'data-testid': 'new-schedule-cron' })),
      h('label', null, 'Time zone',
        h('input', { name: 'timezone', value: 'UTC', list: 'time-zones', spellcheck: 'false' }),
        h('datalist', { id: 'time-zones' }, zones.map((zone) => h('option', { value: zone }))))),
    h('label', null, 'Command',
      h('textarea', { name: 'command', rows: 2, required: true, spellcheck: 'false', 'data-testid': 'new-schedule-command' })),
    h('div', { class: 'row' },
      h('label', null, 'When the previous task still runs',
        h('select', { name: 'overlap' }, OVERLAPS.map((one) => h('option', { value: one }, one)))),
      number('max_attempts', 'Max attempts', '1', 1),
      number('timeout_seconds', 'Timeout (s)', 'none', 1),
      number('catchup_window_seconds', 'Catch-up window (s)', '60', 1),
      number('jitter_seconds', 'Jitter (s)', '0', 0)),
    placementInputs(),
    h('div', { class: 'row' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'paused' }), 'Start paused'),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'new-schedule-submit' }, 'Create schedule')),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const body = { cron: values.cron, command: values.command, overlap: values.overlap, paused: values.paused };
    if (values.name) body.name = values.name;
    if (values.timezone) body.timezone = values.timezone;
    for (const name of INTEGER_FIELDS) {
      if (values[name]) body[name] = Number(values[name]);
    }
    addPlacement(body, values);
    try {
      const schedule = await api('POST', '/schedules', body);
      document.activeElement?.blur();
      navigate(`/ui/schedules/${schedule.schedule_id}`);
    } catch (error) {
      fill(result, errorBox(error));
    }
  });
  return h('details', { class: 'card' }, h('summary', null, 'New schedule'), form);
}

/** /ui/schedules?after= */
export function schedulesPage(view, { query, navigate }) {
  const list = h('div', { 'data-testid': 'schedules-list' }, h('p', { class: 'empty' }, 'Loading…'));
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Schedules')), createForm(navigate),
    h('section', { class: 'card' }, list));
  return async () => {
    const request = new URLSearchParams({ limit: '100' });
    if (query.get('after')) request.set('after', query.get('after'));
    const page = await api('GET', `/schedules?${request}`);
    fill(list, scheduleTable(page.schedules, navigate), pager(query, page.next));
  };
}

function scheduleFields(schedule) {
  const optional = (key, value) => (key in schedule ? value : null);
  return [
    ['Schedule', h('span', { class: 'mono' }, schedule.schedule_id)],
    ['Name', schedule.name],
    ['Cron', h('code', null, schedule.cron)],
    ['Time zone', schedule.timezone === localZone ? schedule.timezone
      : h('span', null, schedule.timezone, h('span', { class: 'hint' }, ` (this browser: ${localZone})`))],
    ['Queue', h('span', { class: 'mono', 'data-testid': 'schedule-queue' }, schedule.queue)],
    ['Priority', h('span', { 'data-testid': 'schedule-priority' }, String(schedule.priority))],
    ['Concurrency key', optional('concurrency_key',
      h('span', { class: 'mono', 'data-testid': 'schedule-concurrency-key' }, schedule.concurrency_key))],
    ['Overlap', schedule.overlap],
    ['Max attempts', String(schedule.max_attempts)],
    ['Timeout', optional('timeout_seconds', `${schedule.timeout_seconds} s`)],
    ['Catch-up window', `${schedule.catchup_window_seconds} s`],
    ['Jitter', `${schedule.jitter_seconds} s`],
    ['Starts at', optional('start_at', fireTime(schedule, schedule.start_at))],
    ['Ends at', optional('end_at', fireTime(schedule, schedule.end_at))],
    ['Created at', time(schedule.created_at)],
    ['Last fire', optional('last_fire_at', h('span', { 'data-testid': 'schedule-last-fire' },
      fireTime(schedule, schedule.last_fire_at)))],
    ['Fired', h('span', { 'data-testid': 'schedule-fired' }, String(schedule.counts.fired))],
    ['Skipped', String(schedule.counts.skipped)],
    ['Missed', String(schedule.counts.missed)],
  ];
}

/** /ui/schedules/{id} */
export function scheduleDetailPage(view, { params: [id], navigate, refresh }) {
  const path = `/schedules/${encodeURIComponent(id)}`;
  const head = h('div', { class: 'page-head' }, h('h1', null, 'Schedule ', h('span', { class: 'mono' }, shortId(id))));
  const result = h('div', { class: 'form-result' });
  const details = h('div', null, h('p', { class: 'empty' }, 'Loading…'));
  const upcoming = h('div');
  const upcomingZone = h('span', { class: 'hint' });
  const tasks = h('div');
  let schedule = null;

  const act = (work) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      result.replaceChildren();
      await work();
    } catch (error) {
      fill(result, errorBox(error));
    } finally {
      button.disabled = false;
    }
  };
  const pause = h('button', { 'data-testid': 'pause-schedule', onclick: act(async () => {
    await api('PATCH', path, { paused: !schedule.paused });
    await refresh();
  }) }, 'Pause');
  const trigger = h('button', { 'data-testid': 'trigger-schedule', onclick: act(async () => {
    const task = await api('POST', `${path}/trigger`);
    fill(result, h('p', { class: 'notice ok', 'data-testid': 'trigger-result' }, 'Made task ',
      h('a', { href: `/ui/tasks/${task.task_id}`, class: 'mono' }, shortId(task.task_id)), '.'));
    await refresh();
  }) }, 'Trigger now');
  const remove = h('button', { class: 'danger', 'data-testid': 'delete-schedule', onclick: act(async () => {
    if (!confirm(`Delete the schedule ${scheduleName(schedule)}? The tasks it made stay.`)) return;
    await api('DELETE', path);
    navigate('/ui/schedules');
  }) }, 'Delete');

  view.append(h('p', { class: 'crumbs' }, h('a', { href: '/ui/schedules' }, '← Schedules')), head,
    h('div', { class: 'actions' }, pause, trigger, remove), result,
    h('div', { class: 'columns' },
      h('section', { class: 'card' }, h('h2', null, 'Definition'), details),
      h('section', { class: 'card' }, h('h2', null, 'Upcoming fires ', upcomingZone), upcoming)),
    h('section', { class: 'card' }, h('h2', null, 'Its tasks'), tasks));

  return async () => {
    const [current, fires, page] = await Promise.all([
      api('GET', path),
      api('GET', `${path}/upcoming?count=10`),
      api('GET', `/tasks?schedule_id=${encodeURIComponent(id)}&limit=10`),
    ]);
    schedule = current;
    fill(head, h('h1', null, scheduleName(schedule)), stateBadge(schedule));
    pause.textContent = schedule.paused ? 'Resume' : 'Pause';
    fill(details, h('pre', { class: 'command-block' }, schedule.command), fields(scheduleFields(schedule)));
    upcomingZone.textContent = `${schedule.timezone} time`;
    fill(upcoming,
      schedule.paused ? h('p', { class: 'hint' }, 'Paused: these fire only if it is resumed by then.') : null,
      fires.fire_times.length
        ? h('ol', { class: 'fires', 'data-testid': 'upcoming-fires' }, fires.fire_times.map((fire) => h('li', null, fireTime(schedule, fire))))
        : h('p', { class: 'empty' }, 'No more fires.'));
    fill(tasks, taskTable(page.tasks, navigate, { empty: 'It has made no task yet.' }),
      page.next ? h('p', null, h('a', { href: `/ui/tasks?schedule_id=${schedule.schedule_id}` }, 'All its tasks →')) : null);
  };
}
