// Element-building helpers. Text always goes in through text nodes (never innerHTML), so
// commands, outputs and error messages show as written, markup included.
import { dateTime, knownZone, localZone, relative, wallClock } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (['value', 'checked', 'selected', 'disabled', 'hidden'].includes(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children: nodes, strings (as text), arrays of them; null and false are skipped. */
export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** `h('a', {href: '/', class: 'x', onclick: fn}, 'text', otherNode)` */
export function h(tag, attributes, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** The same for SVG elements (presentation attributes are ordinary attributes). */
export function s(tag, attributes, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A task's status (or any state word) as a coloured badge. */
export function badge(status) {
  return h('span', { class: `badge status-${status}`, 'data-testid': 'status-badge', 'data-status': status },
    status);
}

/**
 * A date and time with its zone, the exact instant in its tooltip, and optionally `3 min ago`.
 * With `zone` (a schedule's IANA zone) it is shown on that zone's clock and, when the browser's
 * clock reads differently at that instant, also on the browser's.
 */
export function time(iso, { withRelative = true, zone: wanted } = {}) {
  const zone = knownZone(wanted);
  if (!iso) return h('span', { class: 'muted' }, '—');
  const shown = wallClock(iso, zone);
  if (!shown) return h('span', null, iso);
  const local = zone ? wallClock(iso) : null;
  const differs = local && (local.date !== shown.date || local.clock !== shown.clock);
  const title = [zone ? `${dateTime(iso, zone)} (${zone})` : null,
    differs || !zone ? `${dateTime(iso)} (${localZone}, this browser)` : null, iso].filter(Boolean).join('\n');
  const piece = (className, text) => h('span', { class: className }, text);
  return h('time', { datetime: iso, title },
    piece('at', `${shown.date} ${shown.clock} ${shown.zone}`),
    differs ? [' ', piece('also', `(${local.date} ${local.clock} ${local.zone})`)] : null,
    withRelative ? [' ', piece('relative', relative(iso))] : null);
}

/** An API error as its code and message. */
export function errorBox(error) {
  return h('div', { class: 'notice error', role: 'alert', 'data-testid': 'api-error' },
    error.code ? h('code', { class: 'error-code' }, error.code) : null, ' ', error.message ?? String(error));
}

/**
 * A table of `rows` (tr elements) under the header texts `columns`. Each cell gets its column's
 * name as data-label, which narrow screens show above the value when they stack the cells.
 */
export function table(columns, rows, { empty = 'Nothing here yet.', testid } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty', 'data-testid': testid && `${testid}-empty` }, empty);
  for (const row of rows) [...row.cells].forEach((cell, i) => cell.setAttribute('data-label', columns[i]));
  return h('div', { class: 'table-wrap' },
    h('table', { 'data-testid': testid },
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows)));
}

/** A `<dl>` of label → value pairs; pairs whose value is null are left out. */
export function fields(pairs) {
  return h('dl', { class: 'fields' }, pairs.filter(([, value]) => value != null && value !== '').map(
    ([label, value]) => h('div', { class: 'field', 'data-field': label }, h('dt', null, label), h('dd', null, value))));
}

/** Links to the first and the next page of a keyset-paged list (`next` from the API). */
export function pager(query, next) {
  const first = new URLSearchParams(query);
  first.delete('after');
  const after = new URLSearchParams(query);
  if (next) after.set('after', next);
  const href = (params) => `${location.pathname}${params.size ? `?${params}` : ''}`;
  return h('nav', { class: 'pager', 'aria-label': 'pages' },
    query.has('after') ? h('a', { href: href(first), 'data-testid': 'first-page' }, '← First page') : null,
    next ? h('a', { href: href(after), 'data-testid': 'next-page' }, 'Next page →') : null);
}

/** Reads a form's named controls into an object of trimmed strings (and booleans for checkboxes). */
export function formValues(form) {
  const values = {};
  for (const control of form.elements) {
    if (!control.name) continue;
    values[control.name] = control.type === 'checkbox' ? control.checked : control.value.trim();
  }
  return values;
}
