// Small DOM helpers. Everything on screen is built with these, never from HTML strings, so a
// value from the log (a command, a column) is always text and can never become markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

// Characters that are invisible or change the order text is displayed in (bidirectional overrides
// and isolates, zero-width characters, line separators, controls other than line feed and tab),
// and lone surrogates. A statement, a name or a reason comes from whoever the log recorded; an
// override in it would show its tail in another order than the one that ran. As the server's
// VisibleText does for approvals and report.html, each is shown as its code point.
const HIDDEN = /[\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|[^\P{Cc}\n\t]/gu;

export function visible(text) {
  return text.replace(HIDDEN, c => '<U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '>');
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : visible(String(child)));
  }
}

export function render(...children) {
  const view = document.getElementById('view');
  view.replaceChildren();
  append(view, children);
}

export function announce(text) {
  document.getElementById('announce').textContent = text;
}

// Who an event's actor is, as people read it: an address the identity provider did not verify is
// marked, so that anyone's typed address is not read as the caller's own.
export function who(actor) {
  const name = actor.name || actor.sub;
  return actor.email_verified === false ? `${name} (email ${actor.email} not verified)` : name;
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString());
}

export function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  return `${Math.floor(seconds / 3600)}h ago`;
}

export function table(headers, rows, caption) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map(label => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, rows.length ? rows.map(cells => h('tr', {}, cells.map(c => h('td', {}, c))))
        : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'Nothing here yet.')))));
}

export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null);
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error.message || String(error));
}

export function definitions(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
