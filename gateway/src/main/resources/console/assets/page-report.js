// The auditor's report of a period (docs/audit-report.md): the period's signed evidence bundle
// with report.html and report.json in it, downloaded as a zip. Generating one is recorded in
// the evidence log (report.generated, with the report's SHA-256).
import { get } from './api.js';
import { field, h, render } from './dom.js';

export async function reportPage() {
  const connections = await get('/api/connections');
  const now = new Date();
  const quarter = Math.floor(now.getUTCMonth() / 3);
  const from = h('input', { name: 'from', type: 'date', required: true, value: isoDate(new Date(Date.UTC(now.getUTCFullYear(), (quarter - 1) * 3, 1))) });
  const to = h('input', { name: 'to', type: 'date', required: true, value: isoDate(new Date(Date.UTC(now.getUTCFullYear(), quarter * 3, 1))) });
  const connection = h('select', { name: 'connection', multiple: true, size: Math.min(6, Math.max(2, connections.length)) },
    connections.map(c => h('option', { value: c.name }, c.name)));
  const users = h('input', { name: 'users', type: 'text', placeholder: 'apikey:analyst, sa:deploy' });
  const sample = h('input', { name: 'sample', type: 'number', min: '0', max: '100', value: '5' });
  const seed = h('input', { name: 'seed', type: 'text', placeholder: 'chosen at random when empty' });
  const form = h('form', { method: 'get', action: '/api/evidence/report', id: 'report-form', class: 'filters', onsubmit: prepare },
    field('From (UTC, inclusive)', from),
    field('To (UTC, exclusive)', to),
    field('Connections (none selected: all)', connection),
    field('Users (subjects, comma-separated; empty: all)', users),
    field('Sessions and approvals to sample', sample),
    field('Sample seed', seed),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'report' }, 'Download report')));
  render(h('h1', {}, 'Audit report'),
    h('p', { class: 'lead' }, 'SOC 2 and ISO/IEC 27001 evidence for a period, control by control, with populations, exceptions,',
      ' pictures and reproducible samples. Every figure links to the events it counts.'),
    form,
    h('section', {}, h('h2', {}, 'What you get'),
      h('p', {}, 'A zip: ', h('code', {}, 'report.html'), ' (open it in any browser, print it to PDF), ', h('code', {}, 'report.json'),
        ' (the same content for GRC tools) and the period\'s signed evidence bundle. Check it anywhere with ',
        h('code', {}, 'tracegate evidence verify --key <log key> report.zip'), ', which recomputes every figure from the events.'),
      h('p', {}, 'Generating a report is itself recorded in the evidence log, with the SHA-256 of its report.json.')));
}

function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

/** Dates become RFC 3339 at midnight UTC; users become one parameter each; empty fields are left out. */
function prepare(event) {
  const form = event.target;
  for (const hidden of form.querySelectorAll('input[type=hidden]')) hidden.remove();
  const disabled = [];
  for (const input of form.querySelectorAll('input')) {
    if (input.type === 'date' && input.value) {
      form.append(h('input', { type: 'hidden', name: input.name, value: `${input.value}T00:00:00Z` }));
      disabled.push(input);
    } else if (input.name === 'users') {
      for (const user of input.value.split(',').map(u => u.trim()).filter(Boolean)) {
        form.append(h('input', { type: 'hidden', name: 'user', value: user }));
      }
      disabled.push(input);
    } else if (!input.value) {
      disabled.push(input);
    }
  }
  for (const input of disabled) input.disabled = true;
  setTimeout(() => { for (const input of disabled) input.disabled = false; }, 0);
}
