// The console: a few pages over the REST API. Every URL is shareable; a link to an approval
// from a notification opens that approval (after sign-in, the server returns here).
import { get, post, useCsrfToken } from './api.js';
import { errorBox, render, visible } from './dom.js';
import { approvalPage, inboxPage } from './page-approvals.js';
import { sessionsPage } from './page-sessions.js';
import { replayPage } from './page-replay.js';
import { traceSearchPage, tracePage } from './page-traces.js';
import { evidencePage } from './page-evidence.js';
import { reportPage } from './page-report.js';
import { connectionsPage, policyPage } from './page-configuration.js';

const routes = [
  [/^\/console\/approvals\/([A-Za-z0-9_-]+)$/, approvalPage],
  [/^\/console\/approvals\/?$/, inboxPage],
  [/^\/console\/sessions\/([A-Za-z0-9_.:-]+)$/, replayPage],
  [/^\/console\/sessions\/?$/, sessionsPage],
  [/^\/console\/traces\/([0-9a-f]{32})$/, tracePage],
  [/^\/console\/traces\/?$/, traceSearchPage],
  [/^\/console\/evidence\/?$/, evidencePage],
  [/^\/console\/report\/?$/, reportPage],
  [/^\/console\/connections\/?$/, connectionsPage],
  [/^\/console\/policy\/?$/, policyPage],
];

let me = null;
let stopPage = null;
let shown = 0; // which navigation is current: a page that finishes loading after the next one started is stopped at once

async function start() {
  try {
    me = await get('/api/me');
  } catch (error) {
    render(errorBox(error));
    return;
  }
  useCsrfToken(me.csrf_token);
  document.getElementById('who').textContent = `${visible(me.name || me.subject)} (${me.roles.filter(r => r !== 'user').join(', ') || 'user'})`;
  const readsAll = me.roles.includes('admin') || me.roles.includes('auditor');
  for (const item of document.querySelectorAll('[data-role="auditor"]')) item.hidden = !readsAll;
  document.getElementById('signout').addEventListener('click', async () => {
    await post('/console/signout');
    location.assign('/console/signin');
  });
  document.addEventListener('click', followLink);
  window.addEventListener('popstate', show);
  show();
}

/** Same-origin console links change the page without a reload; everything else is a normal link. */
function followLink(event) {
  const link = event.target.closest('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/console/') || link.hasAttribute('download')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

export function navigate(path) {
  history.pushState(null, '', path);
  show();
}

function show() {
  if (stopPage) stopPage();
  stopPage = null;
  let path = location.pathname;
  if (path === '/console' || path === '/console/') {
    path = me.roles.includes('approver') || me.roles.includes('admin') ? '/console/approvals' : '/console/sessions';
    history.replaceState(null, '', path);
  }
  for (const link of document.querySelectorAll('#nav a')) {
    if (path.startsWith(link.getAttribute('href'))) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const route = routes.find(([pattern]) => pattern.test(path));
  if (!route) {
    render(errorBox(new Error(`There is no console page at ${path}.`)));
    return;
  }
  const [pattern, page] = route;
  const args = path.match(pattern).slice(1).map(decodeURIComponent);
  const context = { me, params: new URLSearchParams(location.search), navigate };
  const generation = ++shown;
  Promise.resolve(page(context, ...args)).then(stop => {
    if (typeof stop !== 'function') return;
    if (generation === shown) stopPage = stop;
    else stop();
  }).catch(error => { if (generation === shown) render(errorBox(error)); });
  document.getElementById('view').focus({ preventScroll: true });
}

start();
