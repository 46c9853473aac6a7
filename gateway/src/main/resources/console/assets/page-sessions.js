// Sessions, with filters kept in the URL so a filtered list can be shared.
import { get } from './api.js';
import { errorBox, field, h, render, table, time, who } from './dom.js';

const FILTERS = [
  ['user', 'User (subject)', 'text', 'Admins and auditors only; everyone else sees their own sessions.'],
  ['issuer', 'Issuer', 'text', 'With a user: only that issuer\'s (the same subject at another issuer is someone else).'],
  ['connection', 'Connection', 'text'],
  ['from', 'Opened from', 'datetime-local'],
  ['to', 'Opened before', 'datetime-local'],
  ['trace', 'Trace id', 'text', '32 hex digits'],
];

export async function sessionsPage(context) {
  const params = context.params;
  const inputs = {};
  const form = h('form', { class: 'filters', role: 'search', onsubmit: event => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) {
      if (!input.value) continue;
      query.set(name, input.type === 'datetime-local' ? new Date(input.value).toISOString() : input.value);
    }
    context.navigate(`/console/sessions${query.toString() ? '?' + query : ''}`);
  } });
  for (const [name, label, type, hint] of FILTERS) {
    const input = h('input', { name, type });
    const value = params.get(name);
    if (value) input.value = type === 'datetime-local' ? toLocalInput(value) : value;
    inputs[name] = input;
    form.append(field(label, input, hint));
  }
  const status = h('select', { name: 'status' }, ['', 'open', 'closed'].map(v => h('option', { value: v }, v || 'any')));
  status.value = params.get('status') || '';
  inputs.status = status;
  form.append(field('Status', status), h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Filter')));

  const results = h('div', {}, h('p', {}, 'Loading…'));
  render(h('h1', {}, 'Sessions'), form, results);
  const query = new URLSearchParams(params);
  query.set('limit', '200');
  try {
    const sessions = await get(`/api/sessions?${query}`);
    results.replaceChildren(table(['Session', 'Who', 'Connection', 'Client', 'Opened', 'Closed', 'Commands'],
      sessions.map(s => [
        h('a', { href: `/console/sessions/${encodeURIComponent(s.id)}` }, s.id),
        who(s.opened.actor),
        s.opened.resource ? s.opened.resource.connection : '',
        s.opened.detail.client || '',
        time(s.opened.time),
        s.closed ? time(s.closed.time) : h('span', { class: 'badge' }, 'open'),
        s.closed ? String(s.closed.detail.commands ?? '') : '',
      ]), `${sessions.length} session${sessions.length === 1 ? '' : 's'}, most recent first`));
  } catch (error) {
    results.replaceChildren(errorBox(error));
  }
}

function toLocalInput(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
