// The REST API, called with the console's session cookie. Requests that change something carry
// the session's CSRF token; the server refuses them without it.

let csrfToken = null;

export function useCsrfToken(token) {
  csrfToken = token;
}

export async function get(path) {
  return call('GET', path);
}

/** A JSON Lines body (recorded result data) as its parsed lines. */
export async function getLines(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  const text = await response.text();
  if (!response.ok) {
    let message = `GET ${path} failed with HTTP ${response.status}`;
    try { message = JSON.parse(text).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return text.split('\n').filter(line => line.trim()).map(line => {
    try { return JSON.parse(line); } catch (e) { return line; }
  });
}

export async function post(path, body) {
  return call('POST', path, body);
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['X-Tracegate-Csrf'] = csrfToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign(`/console/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new Error('Your session has ended; sign in again.');
  }
  const type = response.headers.get('Content-Type') || '';
  const payload = type.startsWith('application/json') ? await response.json() : await response.text();
  if (!response.ok) {
    throw new Error(payload && payload.error ? payload.error : `${method} ${path} failed with HTTP ${response.status}`);
  }
  return payload;
}
