// The Node.js baseline: uploads every file of a directory to POST /v2/files of a Vercel stub with
// a keep-alive agent, `concurrency` at a time, and prints the time and the CPU time taken (SHA-1s computed first,
// not timed, as deploykit's are cached per file).
// Run: node examples/src/main/node/upload-client.js <apiUrl> <dir> [concurrency=8] [rounds=3]
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [apiUrl, dir, concurrencyArg, roundsArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg || 8);
const rounds = Number(roundsArg || 3);
const target = new URL(apiUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const files = fs.readdirSync(dir).sort().map((name) => {
  const bytes = fs.readFileSync(path.join(dir, name));
  return { bytes, sha: crypto.createHash('sha1').update(bytes).digest('hex') };
});

function upload(f) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: '/v2/files',
      method: 'POST', agent, headers: { 'Content-Type': 'application/octet-stream',
        'Content-Length': f.bytes.length, 'x-vercel-digest': f.sha,
        Authorization: 'Bearer bench-token-not-secret' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('HTTP ' + res.statusCode))));
    });
    req.on('error', reject);
    req.end(f.bytes);
  });
}

async function round() {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  async function worker() {
    while (next < files.length) await upload(files[next++]);
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

(async () => {
  const times = [];
  const cpus = [];
  for (let r = 0; r <= rounds; r++) {
    const { ms, cpuMs } = await round();
    if (r > 0) { times.push(ms); cpus.push(cpuMs); } // round 0 warms up
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  console.log(JSON.stringify({ files: files.length, concurrency, medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0], maxMs: times[times.length - 1], cpuMedianMs: cpus[Math.floor(cpus.length / 2)] }));
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
