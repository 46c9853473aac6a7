// Terminal replay: an SSH channel's asciicast v2 recording (its recording.sealed chunks, in
// order) played back with its timing into a <pre>. A small terminal model of the console's own
// interprets the output: line feeds, carriage returns, backspaces, tabs, erasing a line or the
// screen, and cursor moves, which is what shells and line editors send. Colours and other
// attributes are dropped; full-screen programs (editors, top) are shown as the model can follow
// their cursor addressing, not as a real terminal would. Everything reaches the page as text,
// never as markup: a recording that prints HTML shows the HTML.
import { getLines } from './api.js';
import { errorBox, h } from './dom.js';

/** Pauses longer than this are shortened when playing (as `asciinema play -i 2` does). */
const MAX_IDLE_SECONDS = 2;

/** One section per recorded channel of the session, in order of the command that opened it. */
export function terminalRecordings(sessionId, events) {
  const bySeq = new Map();
  for (const event of events) {
    if (event.type !== 'recording.sealed' || !event.detail || !event.detail.data) continue;
    const seq = event.detail.seq;
    if (!bySeq.has(seq)) bySeq.set(seq, []);
    bySeq.get(seq).push(event.detail);
  }
  if (!bySeq.size) return null;
  const commands = new Map(events.filter(e => e.type === 'command' && e.detail).map(e => [e.detail.seq, e.detail]));
  return h('section', { class: 'terminals', 'aria-label': 'Terminal recordings' },
    h('h2', {}, 'Terminal recordings'),
    [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([seq, chunks]) =>
      terminalPlayer(sessionId, seq, commands.get(seq), chunks.sort((a, b) => a.chunk - b.chunk))));
}

function terminalPlayer(sessionId, seq, command, chunks) {
  const title = command ? `#${seq} ${command.message}${command.message === command.text ? '' : `: ${command.text}`}` : `#${seq}`;
  const complete = chunks.some(c => c.last);
  const screen = h('pre', { class: 'terminal', 'data-seq': seq, 'aria-label': `Terminal of ${title}`, tabindex: 0 });
  const clock = h('span', { class: 'terminal-clock', 'aria-live': 'off' }, '');
  const playButton = h('button', { type: 'button', class: 'primary terminal-play', disabled: true }, 'Play');
  const speed = h('select', { 'aria-label': 'Playback speed' }, ['1', '2', '5', '10'].map(v => h('option', { value: v }, `${v}×`)));
  const position = h('input', { type: 'range', min: 0, max: 0, step: '0.1', value: 0, 'aria-label': 'Position (seconds)', disabled: true });
  const endButton = h('button', { type: 'button', class: 'terminal-end', disabled: true }, 'Show all');
  const section = h('article', { class: 'terminal-recording', id: `terminal-${seq}` },
    h('h3', {}, title),
    complete ? null : h('p', { class: 'hint' }, 'The recording has no last chunk: the channel was still open, or the gateway stopped before sealing it.'),
    h('div', { class: 'player', role: 'group', 'aria-label': `Replay of ${title}` }, playButton, speed, endButton, position, clock),
    screen);

  let frames = [];
  let duration = 0;
  let at = 0;
  let next = 0;
  let timer = null;
  let model = new TerminalModel(80, 24);

  Promise.all(chunks.map(c => getLines(`/api/sessions/${encodeURIComponent(sessionId)}/data/${encodeURIComponent(c.data.blob)}`)))
    .then(parts => {
      const lines = parts.flat();
      const header = lines.find(l => l && !Array.isArray(l) && l.version === 2) || {};
      model = new TerminalModel(header.width || 80, header.height || 24);
      frames = timeline(lines.filter(Array.isArray));
      duration = frames.length ? frames[frames.length - 1].time : 0;
      position.max = String(duration);
      for (const control of [playButton, position, endButton]) control.disabled = false;
      seek(0);
    })
    .catch(error => section.append(errorBox(error)));

  playButton.addEventListener('click', () => (timer ? pause() : play()));
  endButton.addEventListener('click', () => { pause(); seek(duration); });
  position.addEventListener('input', () => { pause(); seek(Number(position.value)); });

  function seek(time) {
    model.reset();
    next = 0;
    advanceTo(time);
  }

  function advanceTo(time) {
    while (next < frames.length && frames[next].time <= time) model.apply(frames[next++]);
    at = time;
    screen.textContent = model.text();
    screen.scrollTop = screen.scrollHeight;
    position.value = String(at);
    clock.textContent = `${at.toFixed(1)} s / ${duration.toFixed(1)} s`;
  }

  function play() {
    if (next >= frames.length) seek(0);
    playButton.textContent = 'Pause';
    const step = () => {
      if (next >= frames.length) { pause(); return; }
      const target = frames[next].time;
      timer = setTimeout(() => { advanceTo(target); step(); }, Math.max(0, (target - at) * 1000 / Number(speed.value)));
    };
    step();
  }

  function pause() {
    clearTimeout(timer);
    timer = null;
    playButton.textContent = 'Play';
  }

  return section;
}

/** The recording's output, notes and resizes, with long pauses shortened. */
function timeline(events) {
  const frames = [];
  let last = 0;
  let shift = 0;
  for (const [time, kind, data] of events) {
    if (typeof time !== 'number' || typeof data !== 'string' || !['o', 'm', 'r'].includes(kind)) continue;
    shift += Math.max(0, time - last - MAX_IDLE_SECONDS);
    last = time;
    frames.push({ time: time - shift, kind, data });
  }
  return frames;
}

/**
 * Lines of text and a cursor. Escape sequences split across output events are carried over to
 * the next one. Sequences the model does not know are dropped, never shown.
 */
export class TerminalModel {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.reset();
  }

  reset() {
    this.lines = [''];
    this.row = 0;
    this.col = 0;
    this.pending = '';
  }

  apply(frame) {
    if (frame.kind === 'o') this.write(frame.data);
    else if (frame.kind === 'm') this.write(`\r\n[${frame.data}]\r\n`);
    else if (frame.kind === 'r') {
      const [w, hgt] = frame.data.split('x').map(Number);
      if (w > 0 && hgt > 0) { this.width = w; this.height = hgt; }
    }
  }

  text() {
    return this.lines.join('\n');
  }

  write(data) {
    const text = this.pending + data;
    this.pending = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '\x1b') {
        const end = escapeEnd(text, i);
        if (end < 0) { this.pending = text.slice(i); return; }
        this.escape(text.slice(i, end));
        i = end;
        continue;
      }
      if (c === '\n') this.lineFeed();
      else if (c === '\r') this.col = 0;
      else if (c === '\b') this.col = Math.max(0, this.col - 1);
      else if (c === '\t') this.col = Math.min(this.width - 1, (Math.floor(this.col / 8) + 1) * 8);
      else if (c >= ' ' && c !== '\x7f') this.put(c);
      i++;
    }
  }

  lineFeed() {
    // Output without a PTY has bare line feeds: start the next line at its beginning either way.
    this.row++;
    this.col = 0;
    while (this.lines.length <= this.row) this.lines.push('');
  }

  put(c) {
    if (this.col >= this.width) this.lineFeed();
    const line = this.lines[this.row].padEnd(this.col, ' ');
    this.lines[this.row] = line.slice(0, this.col) + c + line.slice(this.col + 1);
    this.col++;
  }

  /** The first line of the visible screen, for absolute cursor positions. */
  top() {
    return Math.max(0, this.lines.length - this.height);
  }

  escape(sequence) {
    if (sequence[1] !== '[') return; // OSC (titles), charset selection, keypad modes: nothing to show
    const final = sequence[sequence.length - 1];
    const body = sequence.slice(2, -1);
    if (/^[?>=]/.test(body)) return; // private modes (bracketed paste, cursor visibility)
    const args = body.split(';').map(a => parseInt(a, 10));
    const n = Number.isFinite(args[0]) && args[0] > 0 ? args[0] : 1;
    const line = this.lines[this.row];
    switch (final) {
      case 'C': this.col = Math.min(this.width - 1, this.col + n); break;
      case 'D': this.col = Math.max(0, this.col - n); break;
      case 'G': this.col = Math.min(this.width - 1, n - 1); break;
      case 'A': this.row = Math.max(this.top(), this.row - n); break;
      case 'B': this.moveTo(this.row + n, this.col); break;
      case 'H': case 'f': this.moveTo(this.top() + n - 1, Number.isFinite(args[1]) && args[1] > 0 ? args[1] - 1 : 0); break;
      case 'K':
        if (!args[0]) this.lines[this.row] = line.slice(0, this.col);
        else if (args[0] === 1) this.lines[this.row] = ' '.repeat(this.col) + line.slice(this.col);
        else this.lines[this.row] = '';
        break;
      case 'J':
        if (args[0] === 2 || args[0] === 3) { this.lines = ['']; this.row = 0; this.col = 0; }
        else if (!args[0]) { this.lines = this.lines.slice(0, this.row + 1); this.lines[this.row] = line.slice(0, this.col); }
        break;
      case 'P': this.lines[this.row] = line.slice(0, this.col) + line.slice(this.col + n); break;
      case '@': this.lines[this.row] = line.slice(0, this.col) + ' '.repeat(n) + line.slice(this.col); break;
      default: break; // colours and attributes (m) and the rest
    }
  }

  moveTo(row, col) {
    this.row = Math.max(0, row);
    while (this.lines.length <= this.row) this.lines.push('');
    this.col = Math.min(this.width - 1, Math.max(0, col));
  }
}

/** Where the escape sequence starting at {@code i} ends (exclusive), or -1 when it is not complete yet. */
function escapeEnd(text, i) {
  if (i + 1 >= text.length) return -1;
  const kind = text[i + 1];
  if (kind === '[') {
    for (let j = i + 2; j < text.length; j++) {
      const code = text.charCodeAt(j);
      if (code >= 0x40 && code <= 0x7e) return j + 1;
      if (j - i > 64) return j + 1; // not a sequence a terminal would accept: drop it
    }
    return -1;
  }
  if (kind === ']' || kind === 'P' || kind === '_' || kind === '^') {
    for (let j = i + 2; j < text.length; j++) {
      if (text[j] === '\x07') return j + 1;
      if (text[j] === '\x1b' && text[j + 1] === '\\') return j + 2;
      if (text[j] === '\x1b' && j + 1 >= text.length) return -1;
      if (j - i > 4096) return j + 1;
    }
    return -1;
  }
  if (kind === '(' || kind === ')' || kind === '#' || kind === '%') return i + 3 <= text.length ? i + 3 : -1;
  return i + 2;
}
