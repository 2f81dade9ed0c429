// Calls the scheduler's API on the same origin. When it answers 401, asks for the API token in the
// form of index.html, keeps it in sessionStorage (this tab only) and repeats the call.

const TOKEN_KEY = 'taskmaster.api-token';

/** An error answer: `code` and `message` from `{"error": {...}}`, and the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function hasToken() {
  return sessionStorage.getItem(TOKEN_KEY) !== null;
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// One prompt at a time: calls that meet a 401 while the form is shown wait for the same answer.
let tokenPrompt = null;

function askForToken(refused) {
  tokenPrompt ??= new Promise((resolve) => {
    const panel = document.getElementById('token-panel');
    const form = document.getElementById('token-form');
    const input = document.getElementById('token-input');
    document.getElementById('token-refused').hidden = !refused;
    document.body.classList.add('needs-token');
    panel.hidden = false;
    input.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      input.value = '';
      panel.hidden = true;
      document.body.classList.remove('needs-token');
      document.dispatchEvent(new Event('token-change'));
      tokenPrompt = null;
      resolve();
    }, { once: true });
  });
  return tokenPrompt;
}

/** `api('GET', '/tasks?limit=10')`, `api('POST', '/schedule', {...})`: the parsed JSON reply (null for 204). */
export async function api(method, path, body) {
  for (;;) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, 'unreachable', `the scheduler did not answer (${error.message})`);
    }
    if (response.status === 401) {
      if (token) forgetToken();
      await askForToken(Boolean(token));
      continue;
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: reported below with the raw text when the status is an error.
    }
    if (!response.ok) {
      const error = data?.error;
      throw new ApiError(response.status, error?.code ?? `http_${response.status}`,
        error?.message ?? (text.trim() || response.statusText));
    }
    return data;
  }
}
