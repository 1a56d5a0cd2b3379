// A Streamable HTTP MCP server written with the TypeScript SDK
// (@modelcontextprotocol/sdk), used by the gateway tests as a backend whose
// server-to-client traffic is produced by a different implementation than the
// gateway's own SDK. Every tool takes {stream: "post" | "get"}: "post" sends its
// request or notification related to the tools/call (on the POST's SSE stream),
// "get" unrelated (on the standalone GET stream).
//
// Usage: node server.mjs PORT
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema, ListToolsRequestSchema, ListResourcesRequestSchema,
  ReadResourceRequestSchema, SubscribeRequestSchema, ElicitResultSchema,
} from '@modelcontextprotocol/sdk/types.js';

const port = Number(process.argv[2] || 3001);
const streamArg = { type: 'object', properties: { stream: { type: 'string', enum: ['post', 'get'] } } };
const tools = ['sample', 'elicit', 'elicit-url', 'roots', 'ping-client', 'progress', 'log',
  'resource-updated', 'list-changed', 'capabilities', 'slow', 'raw-result']
  .map((name) => ({ name, description: `test tool ${name}`, inputSchema: streamArg }));

// The tools the conformance suite's sampling and elicitation scenarios call, as
// its reference servers implement them.
const conformanceSchemas = {
  test_elicitation: { type: 'object', properties: { username: { type: 'string', description: "User's response" },
    email: { type: 'string', description: "User's email address" } }, required: ['username', 'email'] },
  test_elicitation_sep1034_defaults: { type: 'object', properties: { name: { type: 'string', default: 'John Doe' },
    age: { type: 'integer', default: 30 }, score: { type: 'number', default: 95.5 },
    status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', default: true } } },
  test_elicitation_sep1330_enums: { type: 'object', properties: {
    untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    titledSingle: { type: 'string', oneOf: [{ const: 'value1', title: 'First Option' }, { const: 'value2', title: 'Second Option' }, { const: 'value3', title: 'Third Option' }] },
    legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
    untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
    titledMulti: { type: 'array', items: { anyOf: [{ const: 'value1', title: 'First Choice' }, { const: 'value2', title: 'Second Choice' }, { const: 'value3', title: 'Third Choice' }] } } } },
};
const conformanceMessages = { test_elicitation_sep1034_defaults: 'Please review your details', test_elicitation_sep1330_enums: 'Choose options' };
tools.push(
  { name: 'test_sampling', description: "Asks the client's LLM", inputSchema: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] } },
  { name: 'test_elicitation', description: 'Asks the user', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } },
  { name: 'test_elicitation_sep1034_defaults', description: 'Elicitation with defaults', inputSchema: { type: 'object', properties: {} } },
  { name: 'test_elicitation_sep1330_enums', description: 'Elicitation with enum variants', inputSchema: { type: 'object', properties: {} } },
);

const text = (t) => ({ content: [{ type: 'text', text: typeof t === 'string' ? t : JSON.stringify(t) }] });

function newServer() {
  const server = new Server({ name: 'ts-backend', version: '1.0.0' },
    { capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: [{ uri: 'test://watched', name: 'watched', mimeType: 'text/plain' }],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => ({
    contents: [{ uri: req.params.uri, mimeType: 'text/plain', text: 'watched content' }],
  }));
  server.setRequestHandler(SubscribeRequestSchema, async () => ({}));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const related = (req.params.arguments?.stream ?? 'post') === 'post';
    const opts = related ? { relatedRequestId: extra.requestId } : {};
    const notify = (n) => (related ? extra.sendNotification(n) : server.notification(n));
    switch (req.params.name) {
      case 'sample': {
        const r = await server.createMessage({
          messages: [{ role: 'user', content: { type: 'text', text: 'say hi' } }], maxTokens: 10,
        }, opts);
        return text(r);
      }
      case 'elicit': {
        const r = await server.elicitInput({
          message: 'your name?',
          requestedSchema: { type: 'object', properties: { name: { type: 'string', default: 'x' } }, required: ['name'] },
        }, opts);
        return text(r);
      }
      case 'elicit-url': {
        const r = await server.request({ method: 'elicitation/create', params: {
          mode: 'url', message: 'open this', url: 'https://example.com/auth', elicitationId: 'e-1' } },
        ElicitResultSchema, opts);
        return text(r);
      }
      case 'roots':
        return text(await server.listRoots(undefined, opts));
      case 'ping-client':
        return text(await server.request({ method: 'ping' }, (await import('@modelcontextprotocol/sdk/types.js')).EmptyResultSchema, opts));
      case 'progress': {
        const token = req.params._meta?.progressToken;
        for (let i = 1; i <= 3; i++) {
          await notify({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 3, message: `step ${i}` } });
        }
        return text('progressed');
      }
      case 'log':
        await notify({ method: 'notifications/message', params: { level: 'warning', logger: 'ts', data: { hello: 'log' } } });
        return text('logged');
      case 'resource-updated':
        await notify({ method: 'notifications/resources/updated', params: { uri: 'test://watched' } });
        return text('updated');
      case 'list-changed':
        await notify({ method: 'notifications/tools/list_changed' });
        return text('changed');
      case 'capabilities':
        return text(server.getClientCapabilities() ?? {});
      case 'slow':
        await new Promise((resolve) => {
          const t = setTimeout(resolve, 30000);
          extra.signal.addEventListener('abort', () => { clearTimeout(t); cancelled++; resolve(); });
        });
        return text('slow done');
      case 'raw-result':
        // Numbers and keys a decode-and-re-encode would change.
        return { content: [{ type: 'text', text: 'raw' }],
          structuredContent: { big: 12345678901234567890, small: 1.0e-7, order: { z: 1, a: 2 }, esc: '<&>\u2028' } };
      case 'test_sampling': {
        const r = await server.createMessage({ maxTokens: 100,
          messages: [{ role: 'user', content: { type: 'text', text: req.params.arguments?.prompt ?? '' } }] }, opts);
        return text('LLM response: ' + (r.content?.text ?? ''));
      }
      case 'test_elicitation':
      case 'test_elicitation_sep1034_defaults':
      case 'test_elicitation_sep1330_enums': {
        const name = req.params.name;
        const r = await server.elicitInput({ message: conformanceMessages[name] ?? req.params.arguments?.message ?? '',
          requestedSchema: conformanceSchemas[name] }, opts);
        const prefix = name === 'test_elicitation' ? 'User response: ' : 'Elicitation completed: ';
        return text(`${prefix}action=${r.action}, content=${JSON.stringify(r.content ?? null)}`);
      }
      default:
        throw new Error('unknown tool ' + req.params.name);
    }
  });
  return server;
}

let cancelled = 0;
const transports = new Map();
const httpServer = http.createServer(async (req, res) => {
  if (req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ sessions: transports.size, cancelled }));
    return;
  }
  const sid = req.headers['mcp-session-id'];
  let transport = sid ? transports.get(sid) : undefined;
  if (!transport) {
    if (sid || req.method !== 'POST') {
      res.statusCode = 404;
      res.end('unknown session');
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => transports.set(id, transport),
    });
    transport.onclose = () => { if (transport.sessionId) transports.delete(transport.sessionId); };
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res);
});
httpServer.listen(port, '127.0.0.1');
