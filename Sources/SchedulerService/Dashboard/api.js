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

/** The reply to a request with the token, asking for the token again while it is refused. */
async function send(method, path, headers, body) {
  for (;;) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const sent = token ? { ...headers, Authorization: `Bearer ${token}` } : headers;
    let response;
    try {
      response = await fetch(path, { method, headers: sent, body });
    } catch (error) {
      throw new ApiError(0, 'unreachable', `the scheduler did not answer (${error.message})`);
    }
    if (response.status !== 401) return response;
    if (token) forgetToken();
    await askForToken(Boolean(token));
  }
}

/**
 * `streamText('/tasks/{id}/output?follow=true', (text) => …)`: hands the text of a successful
 * reply to `onText` piece by piece as it arrives; resolves when the reply ends.
 */
export async function streamText(path, onText) {
  const response = await send('GET', path, { Accept: 'text/plain' });
  if (!response.ok) await replyData(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onText(value);
  }
}

/** `api('GET', '/tasks?limit=10')`, `api('POST', '/schedule', {...})`: the parsed JSON reply (null for 204). */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
  if (response.status === 204) return null;
  return replyData(response);
}

/** The parsed JSON of a reply; an `ApiError` for an error reply. */
async function replyData(response) {
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
