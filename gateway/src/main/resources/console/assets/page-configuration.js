// Connections and the active policy, read-only.
import { get } from './api.js';
import { definitions, h, render, table } from './dom.js';

export async function connectionsPage() {
  const connections = await get('/api/connections');
  render(h('h1', {}, 'Connections'),
    h('p', { class: 'lead' }, 'Targets the gateway reaches with credentials it holds; callers never see them.'),
    table(['Name', 'Protocol', 'Target'], connections.map(c => [c.name, c.protocol, h('code', {}, c.target)])));
}

export async function policyPage() {
  const policy = await get('/api/policy');
  render(h('h1', {}, 'Policy'),
    definitions([
      ['SHA-256', h('code', {}, policy.sha256)],
      ['Default action', policy.defaults.action],
      ['High-risk default', policy.defaults.highRisk],
      ['Per connection', Object.entries(policy.defaults.connections).map(([c, a]) => `${c}: ${a}`).join(', ')],
      ['Masking profiles', policy.masking_profiles.join(', ')],
    ]),
    table(['Rule', 'Action', 'Matches', 'Approvers', 'Reason'], policy.rules.map(rule => [
      rule.name,
      rule.action || (rule.mask ? `mask: ${rule.mask}` : ''),
      h('code', {}, matches(rule)),
      rule.approvers ? `${rule.minApprovals} of ${rule.approvers.join(', ')} within ${rule.timeout}` : '',
      rule.reason || '',
    ]), 'Rules in order; block beats approve beats allow'));
}

function matches(rule) {
  const keys = ['connections', 'protocols', 'groups', 'exceptGroups', 'kinds', 'classes', 'minClass', 'tables', 'command', 'methods', 'paths'];
  return keys.filter(k => rule[k] !== undefined).map(k => `${k}: ${Array.isArray(rule[k]) ? rule[k].join(', ') : rule[k]}`).join('; ') || 'everything';
}
