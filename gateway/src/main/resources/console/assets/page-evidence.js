// The evidence log: its size and latest signed checkpoint, a verify action (the same checks an
// auditor runs offline), and an export of a filtered bundle for `tracegate evidence verify`.
import { get, post } from './api.js';
import { definitions, errorBox, field, h, render } from './dom.js';

export async function evidencePage() {
  const status = await get('/api/evidence');
  const result = h('div', { id: 'verify-result', 'aria-live': 'polite' });
  const verifyButton = h('button', { type: 'button', class: 'primary', id: 'verify', onclick: verify }, 'Verify the log now');
  const inputs = ['from', 'to', 'user', 'connection', 'session', 'trace'].map(name =>
    h('input', { name, type: name === 'from' || name === 'to' ? 'datetime-local' : 'text' }));
  const exportForm = h('form', { method: 'get', action: '/api/evidence/export', id: 'export-form', class: 'filters', onsubmit: prepareExport },
    inputs.map(input => field(label(input.name), input)),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'export' }, 'Download bundle')));

  const summary = h('div', { id: 'evidence-status' }, statusView(status));
  render(h('h1', {}, 'Evidence'),
    summary,
    h('section', {}, h('h2', {}, 'Verify'),
      h('p', {}, 'Signs a fresh checkpoint, exports the whole log and checks every event, blob and signature against the log key above.'),
      verifyButton, result),
    h('section', {}, h('h2', {}, 'Export a bundle'),
      h('p', {}, 'Leave the fields empty for the whole log. Check the bundle anywhere with ',
        h('code', {}, 'tracegate evidence verify --key <log key> bundle.zip'), '.'),
      exportForm));

  async function verify() {
    verifyButton.disabled = true;
    result.replaceChildren(h('p', {}, 'Verifying…'));
    try {
      const report = await post('/api/evidence/verify');
      result.replaceChildren(h('p', { class: report.ok ? 'ok' : 'error', role: 'status' }, report.summary),
        h('ul', {}, report.results.map(line => h('li', {}, line))));
      summary.replaceChildren(...statusView(await get('/api/evidence')));
    } catch (error) {
      result.replaceChildren(errorBox(error));
    } finally {
      verifyButton.disabled = false;
    }
  }
}

function statusView(status) {
  return [
    definitions([
      ['Events in the log', String(status.size)],
      ['Latest checkpoint size', status.checkpoint_size !== undefined ? String(status.checkpoint_size) : 'none yet'],
      ['Log key', h('code', { id: 'log-key' }, status.verifier_key)],
    ]),
    status.checkpoint ? h('details', {}, h('summary', {}, 'Latest signed checkpoint'), h('pre', { id: 'checkpoint' }, status.checkpoint)) : null,
  ];
}

/** Empty fields are left out, and local times become RFC 3339 as the API expects. */
function prepareExport(event) {
  const form = event.target;
  for (const input of form.querySelectorAll('input')) {
    if (input.type === 'datetime-local' && input.value) {
      const hidden = form.querySelector(`input[type=hidden][name=${input.name}]`) || h('input', { type: 'hidden', name: input.name });
      hidden.value = new Date(input.value).toISOString();
      form.append(hidden);
      input.disabled = true;
      setTimeout(() => { input.disabled = false; }, 0);
    }
    if (!input.value) {
      input.disabled = true;
      setTimeout(() => { input.disabled = false; }, 0);
    }
  }
}

function label(name) {
  return { from: 'From', to: 'Before', user: 'User (subject)', connection: 'Connection', session: 'Session id', trace: 'Trace id' }[name];
}
