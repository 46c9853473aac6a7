// One reasoning trace across protocols: every event that carries the trace id, with the
// results and approvals of the traced commands, in log order.
import { get } from './api.js';
import { errorBox, field, h, render, table, time, who } from './dom.js';

export function traceSearchPage(context) {
  const input = h('input', { name: 'trace', pattern: '[0-9a-f]{32}', required: true, autocomplete: 'off' });
  render(h('h1', {}, 'Traces'),
    h('p', { class: 'lead' }, 'A trace is the chain of queries and API calls behind one automated decision, joined by its W3C trace id (traceparent, sqlcommenter, application_name).'),
    h('form', { role: 'search', onsubmit: event => { event.preventDefault(); context.navigate(`/console/traces/${input.value.trim()}`); } },
      field('Trace id', input, '32 lowercase hex digits'),
      h('button', { type: 'submit', class: 'primary' }, 'Show trace')));
}

export async function tracePage(context, traceId) {
  render(h('p', {}, 'Loading…'));
  let trace;
  try {
    trace = await get(`/api/traces/${traceId}`);
  } catch (error) {
    render(h('h1', {}, `Trace ${traceId}`), errorBox(error));
    return;
  }
  const events = trace.events || [];
  render(h('p', {}, h('a', { href: '/console/traces' }, '← Traces')),
    h('h1', {}, `Trace ${traceId}`),
    table(['When', 'Protocol', 'Connection', 'Who', 'Event', 'What'], events.map(e => [
      time(e.time),
      e.resource ? e.resource.protocol : '',
      e.resource ? e.resource.connection : '',
      who(e.actor),
      e.session ? h('a', { href: `/console/sessions/${encodeURIComponent(e.session)}` }, e.type) : e.type,
      what(e),
    ]), `${events.length} events across ${new Set(events.map(e => e.session)).size} sessions`));
}

function what(event) {
  const d = event.detail || {};
  if (event.type === 'command') return h('code', {}, typeof d.text === 'string' ? d.text : '(long command)');
  if (event.type === 'command.result') return `${d.status}${d.rows !== undefined ? `, ${d.rows} rows` : ''}${d.http_status ? `, HTTP ${d.http_status}` : ''}`;
  if (event.type === 'command.blocked') return `${d.outcome} by ${d.rule}`;
  if (event.type.startsWith('approval')) return d.outcome || 'requested';
  return '';
}
