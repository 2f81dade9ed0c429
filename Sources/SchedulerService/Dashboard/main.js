// Routes location.pathname to a page, follows in-app links with history.pushState, and refreshes
// the current page every few seconds (not while a form control has focus, nor in a hidden tab).
import { ApiError, forgetToken, hasToken } from './api.js';
import { clock } from './format.js';
import { errorBox, fill } from './dom.js';
import { overviewPage } from './overview.js';
import { taskDetailPage, tasksPage } from './tasks.js';
import { scheduleDetailPage, schedulesPage } from './schedules.js';
import { queuesPage } from './queues.js';
import { workersPage } from './workers.js';

const REFRESH_MS = 3000;

// [pattern, section highlighted in the navigation, page]; a page builds its view and returns
// its refresh function, which fetches and redraws the parts that change.
const routes = [
  [/^\/(?:ui\/?)?$/, 'overview', overviewPage],
  [/^\/ui\/tasks\/?$/, 'tasks', tasksPage],
  [/^\/ui\/tasks\/([^/]+)$/, 'tasks', taskDetailPage],
  [/^\/ui\/schedules\/?$/, 'schedules', schedulesPage],
  [/^\/ui\/schedules\/([^/]+)$/, 'schedules', scheduleDetailPage],
  [/^\/ui\/queues\/?$/, 'queues', queuesPage],
  [/^\/ui\/workers\/?$/, 'workers', workersPage],
];

const app = document.getElementById('app');
const banner = document.getElementById('banner');
const refreshState = document.getElementById('refresh-state');
let refreshCurrent = null;
let timer = null;

function notFoundPage(view) {
  view.append(errorBox(new ApiError(404, 'not_found', `no page at ${location.pathname}`)));
  return async () => {};
}

function navigate(path) {
  history.pushState(null, '', path);
  show();
}

async function refresh() {
  clearTimeout(timer);
  const current = refreshCurrent;
  try {
    await current();
    if (current !== refreshCurrent) return;
    banner.hidden = true;
    refreshState.textContent = `updated ${clock(new Date().toISOString())}`;
  } catch (error) {
    if (current !== refreshCurrent) return;
    fill(banner, errorBox(error));
    banner.hidden = false;
    refreshState.textContent = 'refresh failed';
  } finally {
    document.getElementById('forget-token').hidden = !hasToken();
    if (current === refreshCurrent) {
      clearTimeout(timer); // an immediate refresh may have overlapped the timed one
      timer = setTimeout(tick, REFRESH_MS);
    }
  }
}

// Typing in a form must not be lost or disturbed: the forms are never redrawn, and while one has
// focus the data around it holds still too.
function tick() {
  const busy = document.activeElement?.closest('form') || document.hidden;
  if (busy) {
    refreshState.textContent = 'paused';
    timer = setTimeout(tick, REFRESH_MS);
  } else {
    refresh();
  }
}

function show() {
  const path = location.pathname;
  let page = notFoundPage;
  let params = [];
  let section = null;
  for (const [pattern, name, candidate] of routes) {
    const match = pattern.exec(path);
    if (match) {
      [page, params, section] = [candidate, match.slice(1).map(decodeURIComponent), name];
      break;
    }
  }
  for (const link of document.querySelectorAll('.nav a')) {
    link.classList.toggle('active', link.dataset.section === section);
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // Each visit draws into a new element, so a late answer for the previous page lands nowhere.
  const view = document.createElement('div');
  view.className = 'view';
  app.replaceChildren(view);
  banner.hidden = true;
  refreshCurrent = page(view, { params, query: new URLSearchParams(location.search), navigate, refresh });
  refresh();
}

// Same-origin links without modifier keys stay in the page.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download') || event.defaultPrevented) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  if (link.id === 'forget-token') {
    forgetToken();
    location.reload();
    return;
  }
  navigate(url.pathname + url.search);
});

document.addEventListener('token-change', () => {
  document.getElementById('forget-token').hidden = !hasToken();
});
window.addEventListener('popstate', show);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refresh();
});
show();
