// A loopback stub of the parts of the Vercel REST API a deployment uses, answering as the real
// API does (see docs/benchmarks.md). Prints "listening <port>" once ready.
// Run: node examples/src/main/node/vercel-stub.js [port]      (port 0 = a free port)
// Extra endpoints for benchmarks: GET /_stats (requests, body bytes, uploads), POST /_reset
// (forget uploaded SHA-1s and counters), POST /_ratelimit?path=/v2/files&count=1 (answer the next
// `count` requests to that path with 429 and Retry-After: 1).
'use strict';
const http = require('http');
const crypto = require('crypto');

const shas = new Set();
const projects = new Set();
let ids = 0;
const stats = { requests: 0, bodyBytes: 0, uploads: 0, byRoute: {} };
const rateLimits = new Map(); // path prefix -> remaining 429s

function send(res, status, body) {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://localhost');
    const path = url.pathname;
    const method = req.method;
    if (path === '/_stats') return send(res, 200, JSON.stringify(stats));
    if (path === '/_reset') {
      shas.clear();
      stats.requests = 0; stats.bodyBytes = 0; stats.uploads = 0; stats.byRoute = {};
      return send(res, 200, '{}');
    }
    if (path === '/_ratelimit') {
      rateLimits.set(url.searchParams.get('path'), Number(url.searchParams.get('count') || '1'));
      return send(res, 200, '{}');
    }
    stats.requests++;
    stats.bodyBytes += body.length;
    const route = method + ' ' + path.replace(/\/(prj|dpl)_[^/]+|\/v10\/projects\/[^/]+$/, '/{id}');
    stats.byRoute[route] = (stats.byRoute[route] || 0) + 1;
    for (const [prefix, left] of rateLimits) {
      if (left > 0 && path.startsWith(prefix)) {
        rateLimits.set(prefix, left - 1);
        res.setHeader('Retry-After', '1');
        return send(res, 429, '{"error":{"code":"rate_limited","message":"Rate limit exceeded"}}');
      }
    }
    try {
      if (method === 'POST' && path === '/v2/files') {
        const digest = req.headers['x-vercel-digest'];
        const actual = crypto.createHash('sha1').update(body).digest('hex');
        if (digest !== actual) {
          return send(res, 400, '{"error":{"code":"bad_request","message":"digest mismatch"}}');
        }
        shas.add(actual);
        stats.uploads++;
        res.writeHead(200, { 'Content-Length': 0 });
        return res.end();
      }
      if (method === 'POST' && path === '/v11/projects') {
        const name = JSON.parse(body.toString('utf8')).name;
        if (projects.has(name)) {
          return send(res, 409, JSON.stringify({ error: { code: 'conflict',
            message: 'Project "' + name + '" already exists.' } }));
        }
        projects.add(name);
        return send(res, 200, JSON.stringify({ id: 'prj_' + name, name }));
      }
      if (method === 'GET' && path.startsWith('/v10/projects/')) {
        const name = decodeURIComponent(path.substring('/v10/projects/'.length));
        if (!projects.has(name)) return send(res, 404, '{"error":{"code":"not_found","message":"Project not found"}}');
        return send(res, 200, JSON.stringify({ id: 'prj_' + name, name }));
      }
      if (method === 'POST' && path.endsWith('/env')) {
        return send(res, 200, '{"created":[],"failed":[]}');
      }
      if (method === 'POST' && path === '/v13/deployments') {
        const request = JSON.parse(body.toString('utf8'));
        const missing = [];
        for (const f of request.files || []) if (!shas.has(f.sha)) missing.push(f.sha);
        if (missing.length > 0) {
          return send(res, 400, JSON.stringify({ error: { code: 'missing_files',
            message: 'Missing files', missing } }));
        }
        const id = 'dpl_' + (++ids);
        return send(res, 200, JSON.stringify({ id, url: request.name + '-' + id + '.vercel.app',
          readyState: 'QUEUED' }));
      }
      if (method === 'GET' && path.startsWith('/v13/deployments/')) {
        const id = path.substring('/v13/deployments/'.length);
        return send(res, 200, JSON.stringify({ id, url: id + '.vercel.app', readyState: 'READY',
          target: 'production', aliasAssigned: true, alias: ['bench-app.vercel.app'] }));
      }
      if (method === 'GET' && path.endsWith('/events')) {
        return send(res, 200, '{"type":"stdout","created":1,"id":"e1","text":"Build done"}\n');
      }
      return send(res, 404, JSON.stringify({ error: { code: 'not_found', message: method + ' ' + path } }));
    } catch (e) {
      return send(res, 500, '{"error":{"code":"internal_server_error","message":"stub"}}');
    }
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
