// The official MCP TypeScript SDK client, driven by McpTypeScriptClientTest: one JSON line per step on stdout.
// Usage: node ts-client.mjs URL TOKEN TRACEPARENT
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, token, traceparent] = process.argv.slice(2);
const out = (step, value) => console.log(JSON.stringify({ step, value }));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const call = (name, args) => client.callTool({ name, arguments: args, _meta: { traceparent } });

const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: 'tracegate-ts-test', version: '1.0.0' });
await client.connect(transport);

out('tools', (await client.listTools()).tools.map((tool) => tool.name));
out('masked', await call('query', {
  connection: 'app', sql: 'SELECT id, email, card_number FROM mcp_people ORDER BY id', max_rows: 2,
}));
out('blocked', await call('query', { connection: 'app', sql: 'DELETE FROM mcp_people' }));
const held = await call('query', { connection: 'app', sql: 'ALTER TABLE mcp_held ADD COLUMN IF NOT EXISTS ts_note text' });
out('held', held);
const id = held.structuredContent?.approval;
for (let attempt = 0; id && attempt < 600; attempt++) {
  const status = await call('approval_status', { id });
  if (status.structuredContent?.status !== 'held') {
    out('approved', status);
    break;
  }
  await sleep(100);
}
try {
  await call('query', { connection: 'app', sql: 42 });
  out('invalid', 'no error');
} catch (error) {
  out('invalid', { code: error.code, message: error.message });
}
await client.close();
out('done', true);
