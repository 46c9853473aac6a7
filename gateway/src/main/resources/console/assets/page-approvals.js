// The approvals inbox (live) and one approval: the whole command, who asked, the rule that held
// it, the requester's recent activity, and approve or deny with a reason.
import { get, post } from './api.js';
import { ago, announce, definitions, errorBox, field, h, render, table, time } from './dom.js';

const REFRESH_MS = 2000;

export async function inboxPage() {
  let known = null;
  let stopped = false;
  const pendingList = h('div', { id: 'pending' });
  const recentList = h('div');
  render(
    h('h1', {}, 'Approvals'),
    h('p', { class: 'lead' }, 'Commands held by policy until someone approves them. This page updates by itself.'),
    h('section', { 'aria-labelledby': 'pending-title' }, h('h2', { id: 'pending-title' }, 'Waiting'), pendingList),
    h('section', { 'aria-labelledby': 'recent-title' }, h('h2', { id: 'recent-title' }, 'Recently decided'), recentList));

  async function refresh() {
    try {
      const [pending, all] = await Promise.all([get('/api/approvals'), get('/api/approvals?all=true')]);
      const ids = new Set(pending.map(a => a.id));
      if (known) {
        const arrived = pending.filter(a => !known.has(a.id));
        if (arrived.length) announce(`${arrived.length} new approval request${arrived.length > 1 ? 's' : ''}`);
      }
      known = ids;
      pendingList.replaceChildren(pending.length ? h('ul', { class: 'cards' }, pending.map(card))
        : h('p', { class: 'empty' }, 'Nothing is waiting for approval.'));
      const decided = all.filter(a => a.status !== 'pending').slice(0, 20);
      recentList.replaceChildren(table(['Request', 'Requester', 'Outcome', 'By', 'When'], decided.map(a => [
        h('a', { href: `/console/approvals/${a.id}` }, a.id), a.requester, a.status,
        a.decision && a.decision.by, a.decision && time(a.decision.at)])));
    } catch (error) {
      pendingList.replaceChildren(errorBox(error));
    }
  }

  await refresh();
  const timer = setInterval(() => { if (!stopped) refresh(); }, REFRESH_MS);
  return () => { stopped = true; clearInterval(timer); };
}

function card(approval) {
  return h('li', { class: 'card approval', 'data-approval': approval.id },
    h('p', { class: 'card-title' },
      h('a', { href: `/console/approvals/${approval.id}` }, `${approval.requester} wants to run ${approval.class || 'a command'} on ${approval.connection}`)),
    h('pre', { class: 'command short' }, firstLines(approval.command, 3)),
    h('p', { class: 'meta' }, `held by rule ${approval.rule} · asked ${ago(approval.requested_at)} · `,
      `${approval.votes.length}/${approval.min_approvals} approvals · expires `, time(approval.expires_at)));
}

function firstLines(text, count) {
  const lines = String(text).split('\n');
  return lines.length > count ? lines.slice(0, count).join('\n') + '\n…' : text;
}

export async function approvalPage(context, id) {
  let stopped = false;
  const main = h('div');
  const reason = h('textarea', { name: 'reason', rows: 3, required: true });
  const message = h('div', { 'aria-live': 'polite' });
  render(h('p', {}, h('a', { href: '/console/approvals' }, '← All approvals')), main);

  async function refresh() {
    let approval;
    let activity;
    try {
      [approval, activity] = await Promise.all([get(`/api/approvals/${encodeURIComponent(id)}`),
        get(`/api/approvals/${encodeURIComponent(id)}/activity`).catch(() => ({ commands: [] }))]);
    } catch (error) {
      main.replaceChildren(errorBox(error));
      return;
    }
    main.replaceChildren(...view(approval, activity.commands));
  }

  function view(approval, recent) {
    const decision = approval.decision;
    return [
      h('h1', {}, `Approval ${approval.id}`),
      h('p', { class: `status status-${approval.status}`, id: 'approval-status' }, statusText(approval)),
      h('h2', {}, 'Command'),
      h('pre', { class: 'command', id: 'approval-command' }, approval.command),
      h('p', { class: 'hint', id: 'approval-command-shown' }, approval.command_shown === 'clear'
        ? 'Shown in clear: the policy lets approvers of this rule see personal data (credentials are always masked).'
        : 'Personal data and credentials are masked as the evidence records them; the statement runs as the client wrote it.'),
      definitions([
        ['Requester', `${approval.requester} (${approval.requester_subject})`],
        ['Connection', `${approval.connection} (${approval.protocol})`],
        ['Session', approval.session ? h('a', { href: `/console/sessions/${approval.session}` }, approval.session) : null],
        ['Statement class', approval.class],
        ['Held by rule', approval.rule],
        ['Why', approval.reason],
        ['Approvers', `${approval.min_approvals} of ${approval.approvers.join(', ')}`],
        ['Break-glass groups', approval.break_glass_groups.join(', ')],
        ['Asked', time(approval.requested_at)],
        ['Expires', time(approval.expires_at)],
        ['Votes', approval.votes.length ? h('ul', {}, approval.votes.map(v => h('li', {}, `${v.approver}: ${v.reason} (`, time(v.at), ')'))) : 'none yet'],
        ['Decision', decision ? `${decision.outcome} by ${decision.by}: ${decision.reason}` : null],
      ]),
      approval.may_decide ? decisionForm(approval) : h('p', { class: 'hint', id: 'cannot-decide' }, cannotDecide(approval, context.me)),
      message,
      h('h2', {}, `Recent activity of ${approval.requester}`),
      table(['When', 'Connection', 'Class', 'Command'], recent.map(event => [time(event.time),
        event.resource && event.resource.connection, event.detail.class,
        h('code', {}, typeof event.detail.text === 'string' ? event.detail.text : '(long text, kept as a blob)')])),
    ];
  }

  function decisionForm(approval) {
    const decide = approve => async event => {
      event.preventDefault();
      if (!reason.value.trim()) {
        message.replaceChildren(errorBox(new Error('Give a reason: it is recorded with your decision.')));
        reason.focus();
        return;
      }
      try {
        const result = await post(`/api/approvals/${encodeURIComponent(approval.id)}/${approve ? 'approve' : 'deny'}`,
          { reason: reason.value.trim() });
        message.replaceChildren(h('p', { class: 'ok', role: 'status' }, statusText(result)));
        reason.value = '';
        await refresh();
      } catch (error) {
        message.replaceChildren(errorBox(error));
      }
    };
    return h('form', { class: 'decide', onsubmit: decide(true) },
      h('h2', {}, 'Your decision'),
      field('Reason (recorded in the evidence log)', reason),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'approve' }, 'Approve'),
        h('button', { type: 'button', class: 'danger', id: 'deny', onclick: decide(false) }, 'Deny')));
  }

  await refresh();
  // Not while someone is deciding: a refresh would rebuild the form under their keyboard focus.
  const deciding = () => Boolean(main.querySelector('form.decide')?.contains(document.activeElement));
  const timer = setInterval(() => { if (!stopped && !deciding()) refresh(); }, REFRESH_MS);
  return () => { stopped = true; clearInterval(timer); };
}

function statusText(approval) {
  switch (approval.status) {
    case 'pending': return `Waiting: ${approval.votes.length} of ${approval.min_approvals} approvals.`;
    case 'approved': return 'Approved: the command has run or is running.';
    case 'denied': return 'Denied: the command did not run.';
    default: return `Status: ${approval.status}.`;
  }
}

// A person is an issuer and a subject: the same subject at another issuer is someone else.
function samePerson(issuer, subject, me) {
  return issuer === me.issuer && subject === me.subject;
}

function cannotDecide(approval, me) {
  if (approval.status !== 'pending') return 'This request is decided.';
  if (samePerson(approval.requester_issuer, approval.requester_subject, me)) return 'You asked for this command, so someone else must decide.';
  if (approval.votes.some(v => samePerson(v.issuer, v.subject, me))) return 'You have approved; it waits for more approvers.';
  if (approval.cannot_decide) return `You cannot decide this request: ${approval.cannot_decide}.`;
  return `Only members of ${approval.approvers.join(', ')} can decide this request.`;
}
