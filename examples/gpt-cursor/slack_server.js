#!/usr/bin/env node
// Slack slash-command server of the gpt-cursor fleet (Node.js 20, no packages).
//
//   POST /slack/commands   form-encoded, as Slack sends a slash command:
//                            text=status            -> the fleet's state from Regulator
//                            text=restart <name>    -> restarts that component through Regulator
//                            text=help (or empty)   -> usage
//                          Every request must carry Slack's signature: X-Slack-Signature =
//                          "v0=" + hex HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp
//                          + ":" + raw body), with a timestamp within 5 minutes of now; else 401.
//   GET  /health           -> 200 {"status":"ok"}
//
// Options and environment:
//   --port (SLACK_SERVER_PORT, 5052), --host (127.0.0.1)
//   SLACK_SIGNING_SECRET   the app's signing secret (Slack app settings, Basic Information).
//                          Unset: the development secret "gpt-cursor-dev-signing-secret", with a
//                          warning at start; never expose the server that way.
//   REGULATOR_URL          Regulator's API (default http://127.0.0.1:8080)
//   REGULATOR_TOKEN        the admin token for restarts; else read from the file named by
//   REGULATOR_TOKEN_FILE   (default data/http-token, relative to the working directory)
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const DEV_SECRET = 'gpt-cursor-dev-signing-secret';
const MAX_SKEW_SECONDS = 5 * 60;
const MAX_BODY = 64 * 1024;
const COMPONENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
// Slack wants an answer within 3 s; leave room for our own reply.
const API_TIMEOUT_MS = 2500;

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(option('--port', process.env.SLACK_SERVER_PORT || '5052'));
const host = option('--host', '127.0.0.1');
const secret = process.env.SLACK_SIGNING_SECRET || DEV_SECRET;
const api = (process.env.REGULATOR_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const tokenFile = process.env.REGULATOR_TOKEN_FILE || 'data/http-token';

function log(line) {
  process.stdout.write(`slack-server: ${line}\n`);
}

/** Slack's v0 signature check: fresh timestamp, constant-time comparison of the HMAC. */
function verify(headers, rawBody, now = Date.now()) {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (!timestamp || !signature) {
    return 'missing X-Slack-Request-Timestamp or X-Slack-Signature';
  }
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) {
    return 'request timestamp is not within 5 minutes of now (replayed, or a clock is off)';
  }
  const expected = Buffer.from('v0=' + crypto.createHmac('sha256', secret)
    .update(`v0:${timestamp}:`).update(rawBody).digest('hex'));
  const given = Buffer.from(String(signature));
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return 'signature does not match';
  }
  return null;
}

function adminToken() {
  if (process.env.REGULATOR_TOKEN) {
    return process.env.REGULATOR_TOKEN.trim();
  }
  try {
    return fs.readFileSync(tokenFile, 'utf8').trim();
  } catch (e) {
    return null;
  }
}

async function callRegulator(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = adminToken();
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const answer = await fetch(api + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(API_TIMEOUT_MS),
  });
  let json = null;
  try {
    json = await answer.json();
  } catch (e) {
    // not JSON: reported by status below
  }
  return { status: answer.status, json };
}

function unreachable(e) {
  const why = e && e.name === 'TimeoutError' ? `no answer within ${API_TIMEOUT_MS} ms` : (e.cause || e).message;
  return `Regulator at ${api} cannot be reached: ${why}`;
}

async function status() {
  let r;
  try {
    r = await callRegulator('GET', '/api/v1/status');
  } catch (e) {
    return unreachable(e);
  }
  if (r.status !== 200 || !r.json) {
    return `Regulator answered ${r.status}${r.json && r.json.detail ? ': ' + r.json.detail : ''}`;
  }
  const s = r.json;
  const lines = [`Fleet *${s.state}* (score ${s.score}, node ${s.node})`];
  for (const c of s.components || []) {
    const extra = [];
    if (c.restarts) extra.push(`${c.restarts} restart(s)`);
    if (c.circuit && c.circuit !== 'CLOSED') extra.push(`circuit ${c.circuit}`);
    if (c.state !== 'READY' && c.cause) extra.push(c.cause);
    lines.push(`• ${c.name}: ${c.state}${c.critical ? ' (critical)' : ''}${extra.length ? ' - ' + extra.join(', ') : ''}`);
  }
  return lines.join('\n');
}

async function restart(name, user) {
  if (!COMPONENT.test(name || '')) {
    return 'Usage: restart <component>, e.g. restart braun';
  }
  if (!adminToken()) {
    return `Cannot restart: no admin token (set REGULATOR_TOKEN or REGULATOR_TOKEN_FILE; looked in ${tokenFile})`;
  }
  let r;
  try {
    r = await callRegulator('POST', `/api/v1/components/${name}/restart`, { reason: `Slack /command by ${user || 'someone'}` });
  } catch (e) {
    if (e && e.name === 'TimeoutError') {
      return `Restart of ${name} requested; Regulator has not confirmed yet. Ask "status" in a moment.`;
    }
    return unreachable(e);
  }
  if (r.status === 200) {
    return `Restarting *${name}* (now ${r.json ? r.json.state : 'unknown'})`;
  }
  return `Cannot restart ${name}: ${r.json && r.json.detail ? r.json.detail : 'Regulator answered ' + r.status}`;
}

const HELP = 'Commands: `status` (the fleet), `restart <component>` (e.g. `restart braun`)';

async function command(form) {
  const words = (form.get('text') || '').trim().split(/\s+/).filter(Boolean);
  switch ((words[0] || 'help').toLowerCase()) {
    case 'status':
      return status();
    case 'restart':
      return restart(words[1], form.get('user_name'));
    case 'help':
      return HELP;
    default:
      return `Unknown command "${words[0]}". ${HELP}`;
  }
}

function send(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/health') {
    return send(res, 200, { status: 'ok' });
  }
  if (req.method !== 'POST' || path !== '/slack/commands') {
    return send(res, 404, { error: 'try POST /slack/commands or GET /health' });
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) {
      send(res, 413, { error: `body larger than ${MAX_BODY} bytes` });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', async () => {
    if (res.writableEnded) return;
    const raw = Buffer.concat(chunks);
    const refused = verify(req.headers, raw);
    if (refused) {
      log(`refused a request from ${req.socket.remoteAddress}: ${refused}`);
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      return res.end(`invalid request: ${refused}\n`);
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    log(`${form.get('user_name') || 'someone'}: ${[form.get('command'), form.get('text')].filter(Boolean).join(' ')}`);
    let text;
    try {
      text = await command(form);
    } catch (e) {
      text = `Error: ${e.message}`;
    }
    send(res, 200, { response_type: 'ephemeral', text });
  });
});

server.listen(port, host, () => {
  log(`listening on http://${host}:${port} (POST /slack/commands, GET /health), Regulator at ${api}`);
  if (!process.env.SLACK_SIGNING_SECRET) {
    log(`SLACK_SIGNING_SECRET is not set: using the development secret "${DEV_SECRET}"; set the Slack app's signing secret before exposing this server`);
  }
});

function stop() {
  log('stopping');
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
