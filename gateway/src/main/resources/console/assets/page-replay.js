// Session replay: the session's events in log order with their timing; step, play and pause, or
// jump to any event. Results show the recorded data, which the gateway masked before keeping it.
// An SSH session's terminals (asciicast recordings) play below, each with its own timing.
import { get, getLines } from './api.js';
import { definitions, errorBox, h, render, table, time, who } from './dom.js';
import { terminalRecordings } from './terminal-player.js';

const MAX_GAP_MS = 2000;

export async function replayPage(context, id) {
  const session = await get(`/api/sessions/${encodeURIComponent(id)}`);
  const events = session.events;
  const start = new Date(events[0].time).getTime();
  let current = 0;
  let timer = null;

  const position = h('input', { type: 'range', min: 0, max: events.length - 1, value: 0, id: 'replay-position',
    'aria-label': 'Event', oninput: () => show(Number(position.value)) });
  const counter = h('span', { id: 'replay-counter', 'aria-live': 'polite' });
  const playButton = h('button', { type: 'button', id: 'replay-play', class: 'primary', onclick: () => (timer ? pause() : play()) }, 'Play');
  const speed = h('select', { 'aria-label': 'Speed' }, ['1', '2', '5', '10'].map(v => h('option', { value: v }, `${v}×`)));
  const detail = h('section', { class: 'replay-detail', id: 'replay-detail', 'aria-label': 'Current event' });
  const list = h('ol', { class: 'replay-list' }, events.map((event, i) => h('li', {},
    h('button', { type: 'button', class: 'link event-link', 'data-index': i, onclick: () => { pause(); show(i); } },
      `+${seconds(event)} s  ${event.type}`, summary(event) ? h('span', { class: 'event-summary' }, ` ${summary(event)}`) : null))));

  const opened = events[0];
  render(
    h('p', {}, h('a', { href: '/console/sessions' }, '← All sessions')),
    h('h1', {}, `Session ${id}`),
    definitions([
      ['Who', `${who(opened.actor)} (${opened.actor.sub})`],
      ['Connection', opened.resource && `${opened.resource.connection} (${opened.resource.protocol})`],
      ['Opened', time(opened.time)],
      ['Events', String(events.length)],
    ]),
    h('div', { class: 'player', role: 'group', 'aria-label': 'Replay controls' },
      h('button', { type: 'button', id: 'replay-previous', onclick: () => { pause(); show(current - 1); } }, 'Previous'),
      playButton,
      h('button', { type: 'button', id: 'replay-next', onclick: () => { pause(); show(current + 1); } }, 'Next'),
      speed, position, counter),
    h('div', { class: 'replay' }, h('nav', { 'aria-label': 'Events' }, list), detail),
    terminalRecordings(id, events));

  function seconds(event) {
    return ((new Date(event.time).getTime() - start) / 1000).toFixed(3);
  }

  function show(index) {
    current = Math.max(0, Math.min(events.length - 1, index));
    position.value = String(current);
    counter.textContent = `Event ${current + 1} of ${events.length}`;
    for (const button of list.querySelectorAll('.event-link')) {
      button.toggleAttribute('aria-current', Number(button.dataset.index) === current);
    }
    detail.replaceChildren(...eventView(events[current], id));
  }

  function play() {
    if (current >= events.length - 1) show(0);
    playButton.textContent = 'Pause';
    const step = () => {
      if (current >= events.length - 1) { pause(); return; }
      const gap = new Date(events[current + 1].time) - new Date(events[current].time);
      timer = setTimeout(() => { show(current + 1); step(); }, Math.min(MAX_GAP_MS, Math.max(150, gap)) / Number(speed.value));
    };
    step();
  }

  function pause() {
    clearTimeout(timer);
    timer = null;
    playButton.textContent = 'Play';
  }

  show(0);
  return pause;
}

function summary(event) {
  const d = event.detail || {};
  switch (event.type) {
    case 'command': return typeof d.text === 'string' ? d.text.slice(0, 80) : '(long command)';
    case 'command.result': return `${d.status}${d.rows !== undefined ? `, ${d.rows} rows` : ''}`;
    case 'command.blocked': return `${d.outcome} by ${d.rule}`;
    case 'approval.decided': return d.outcome;
    default: return '';
  }
}

function eventView(event, sessionId) {
  const d = event.detail || {};
  const parts = [h('h2', {}, event.type), h('p', { class: 'meta' }, time(event.time), event.trace ? ` · trace ` : '',
    event.trace ? h('a', { href: `/console/traces/${event.trace}` }, event.trace) : '')];
  if (event.type === 'command') {
    parts.push(h('pre', { class: 'command' }, typeof d.text === 'string' ? d.text : `(kept as blob ${d.text.blob})`));
    parts.push(definitions([['Class', d.class], ['Rule', d.rule], ['Parameters', d.params ? d.params.join(', ') : null]]));
  } else if (event.type === 'command.result') {
    parts.push(definitions([['Status', d.status], ['Tags', (d.tags || []).join(', ')], ['Rows', d.rows],
      ['Duration', d.duration_us !== undefined ? `${(d.duration_us / 1000).toFixed(2)} ms` : null],
      ['Error', d.error ? `${d.error.sqlstate}: ${d.error.message}` : null]]));
    if (d.data && d.data.blob) parts.push(resultData(sessionId, d.data));
  } else {
    parts.push(h('pre', { class: 'json' }, JSON.stringify(d, null, 2)));
  }
  return parts;
}

function resultData(sessionId, data) {
  const box = h('div', { class: 'result-data' }, h('p', {}, 'Loading recorded rows…'));
  getLines(`/api/sessions/${encodeURIComponent(sessionId)}/data/${encodeURIComponent(data.blob)}`).then(lines => {
    const tables = [];
    let columns = null;
    let rows = [];
    const flush = () => { if (columns) tables.push(table(columns, rows)); };
    for (const line of lines) {
      if (!Array.isArray(line) && line.columns) { flush(); columns = line.columns.map(c => c.name); rows = []; }
      else if (Array.isArray(line)) rows.push(line.map(v => (v === null ? h('span', { class: 'null' }, 'NULL') : typeof v === 'object' ? JSON.stringify(v) : String(v))));
    }
    flush();
    box.replaceChildren(h('h3', {}, `Recorded data (masked as kept in the evidence; ${data.rows} row${data.rows === 1 ? '' : 's'}${data.truncated ? ', truncated' : ''})`),
      ...(tables.length ? tables : [h('pre', { class: 'json' }, lines.map(l => JSON.stringify(l)).join('\n'))]));
  }).catch(error => box.replaceChildren(errorBox(error)));
  return box;
}
