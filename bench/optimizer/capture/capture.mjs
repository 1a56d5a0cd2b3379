// capture.mjs starts one MCP server from npm over stdio, runs initialize and
// tools/list (following nextCursor), and writes the tools as JSON with where
// they came from. It is how bench/optimizer/testdata/tools/*.json was made:
//
//   node capture.mjs <out.json> <server-name> <npm-package> <bin-path> [args...]
//
// Environment variables the server needs to start (tokens) get dummy values:
// tools/list needs no real account.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [out, server, pkg, bin, ...args] = process.argv.slice(2);
const pkgDir = dirname(join(process.cwd(), 'node_modules', pkg, 'package.json'));
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const dummy = {
  GITHUB_PERSONAL_ACCESS_TOKEN: 'dummy', GITLAB_PERSONAL_ACCESS_TOKEN: 'dummy',
  SLACK_BOT_TOKEN: 'xoxb-dummy', SLACK_TEAM_ID: 'T0000', BRAVE_API_KEY: 'dummy',
  GOOGLE_MAPS_API_KEY: 'dummy', EVERART_API_KEY: 'dummy', AWS_ACCESS_KEY_ID: 'dummy',
  AWS_SECRET_ACCESS_KEY: 'dummy', AWS_REGION: 'us-east-1', NOTION_TOKEN: 'dummy',
  SENTRY_ACCESS_TOKEN: 'dummy', STRIPE_SECRET_KEY: 'sk_test_dummy', HEROKU_API_KEY: 'dummy',
  FIRECRAWL_API_KEY: 'fc-dummy', TAVILY_API_KEY: 'tvly-dummy', MYSQL_HOST: '127.0.0.1',
  MYSQL_USER: 'x', MYSQL_PASS: 'x', MYSQL_DB: 'x', REDIS_URL: 'redis://127.0.0.1:1',
};
const child = spawn(process.execPath, [join(pkgDir, bin), ...args], {
  env: { ...process.env, ...dummy }, stdio: ['pipe', 'pipe', 'ignore'],
});
let buf = '';
const waiting = new Map();
child.stdout.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    if (!line.startsWith('{')) continue;
    let msg;
    try { msg = JSON.parse(line); } catch { continue; }
    if (msg.id !== undefined && waiting.has(msg.id)) { waiting.get(msg.id)(msg); waiting.delete(msg.id); }
  }
});
let nextId = 1;
function call(method, params) {
  const id = nextId++;
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
  return new Promise((resolve, reject) => {
    waiting.set(id, (m) => (m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result)));
  });
}
const timer = setTimeout(() => { console.error(server, 'timeout'); child.kill(); process.exit(2); }, 60000);
try {
  const init = await call('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'capture', version: '1' } });
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
  const tools = [];
  let cursor;
  do {
    const r = await call('tools/list', cursor ? { cursor } : {});
    tools.push(...r.tools);
    cursor = r.nextCursor;
  } while (cursor);
  writeFileSync(out, JSON.stringify({
    server, source: { npm: `${pkg}@${version}`, bin, args, serverInfo: init.serverInfo },
    tools,
  }, null, 1) + '\n');
  console.log(server, tools.length);
} catch (e) {
  console.error(server, 'failed', e.message);
  process.exitCode = 1;
}
clearTimeout(timer);
child.kill();
process.exit();
