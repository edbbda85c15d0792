/*
 * Regulator's dashboard: the page talks only to the HTTP API of the Regulator that serves it.
 *
 * Model: the component views of GET /api/v1/components are the truth about each component; they
 * are polled every few seconds (pid, resources, probe latencies; the sparklines accumulate from
 * these polls) and fetched again soon after every event of the live stream. Between polls the
 * stream's StateChanged events move a node at once. A poll answer that is older than a state
 * change already seen on the stream does not move the node back.
 */
(function () {
  'use strict';

  const Graph = window.RegulatorGraph;
  const TOKEN_KEY = 'regulator.admin-token';
  const POLL_MILLIS = 3000;
  const ALERTS_POLL_MILLIS = 5000;
  const HISTORY_MILLIS = 10 * 60 * 1000;
  const TIMELINE_MAX = 500;
  const RECONNECT_MILLIS = 2000;
  const FAILURE_STATES = new Set(['BACKOFF', 'UNHEALTHY', 'FAILED', 'CIRCUIT_OPEN']);
  /** States with a process (ComponentState.PROCESS_STATES): only these show a pid. */
  const PROCESS_STATES = new Set(['STARTING', 'RUNNING', 'READY', 'UNHEALTHY', 'STOPPING']);

  const model = {
    views: new Map(), // name -> component view, as last fetched (state possibly moved on by the stream)
    streamed: new Map(), // name -> {state, time, seenAt} of the last StateChanged from the stream
    history: new Map(), // name -> {memory: [[t, bytes]], latency: {role: [[t, ms]]}, lastCheck: {role: time}}
    events: [], // oldest first; each {event, time, key, li}
    eventKeys: new Set(),
    selected: null,
    nodes: new Map(), // name -> svg node element
    shape: null,
    layout: null,
    pendingAction: null,
    watch: null, // the last action, followed until its effect shows: {name, action, oldPid, until}
    readsNeedToken: false, // set once a read was refused without a token
    readTokenAsked: false,
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- formatting

  /** Milliseconds of an ISO time; the journal keeps nanoseconds, Date.parse wants at most milliseconds. */
  function parseTime(s) {
    if (!s) return NaN;
    const m = /^(.*T\d\d:\d\d(?::\d\d)?)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(s);
    if (!m) return Date.parse(s);
    return Date.parse(m[1] + (m[2] ? m[2].slice(0, 4) : '') + (m[3] || 'Z'));
  }

  /** 1.5s, 250ms, 5m, 1h30m, 2d3h: as the console writes durations. */
  function human(ms) {
    if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
    ms = Math.max(0, Math.round(ms));
    if (ms < 1000) return ms + 'ms';
    if (ms < 60000) return (ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1)) + 's';
    const minutes = Math.floor(ms / 60000);
    if (minutes < 60) {
      const s = Math.floor((ms % 60000) / 1000);
      return minutes + 'm' + (s ? s + 's' : '');
    }
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + 'h' + (minutes % 60 ? (minutes % 60) + 'm' : '');
    return Math.floor(hours / 24) + 'd' + (hours % 24 ? (hours % 24) + 'h' : '');
  }

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function clock(t) {
    if (Number.isNaN(t)) return '';
    const d = new Date(t);
    const pad = (x, w) => String(x).padStart(w || 2, '0');
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  function when(iso) {
    const t = parseTime(iso);
    if (Number.isNaN(t)) return '–';
    return `${new Date(t).toLocaleString()} (${human(Date.now() - t)} ago)`;
  }

  function exitText(code, signal) {
    if (signal) return 'killed by ' + (String(signal).startsWith('SIG') ? signal : 'SIG' + signal);
    if (code !== null && code !== undefined) return 'exited with code ' + code;
    return 'exited (status unknown)';
  }

  function causeText(detail, suggestion) {
    if (!detail) return '';
    return suggestion ? `${detail} (${suggestion})` : detail;
  }

  function typeOf(e) {
    return e.type || e.event || 'event';
  }

  /** One readable line per journal event, as the console and `regulator events` write it. */
  function describe(e) {
    const cause = causeText(e.detail, e.suggestion);
    switch (typeOf(e)) {
      case 'StateChanged':
        return `${e.from} → ${e.to}${cause ? ': ' + cause : ''}`;
      case 'ProcessStarted':
        return `started pid ${e.pid}${e.command ? ': ' + e.command : ''}`;
      case 'ProcessExited':
        return `pid ${e.pid} ${exitText(e.exitCode, e.signal)} after ${human(e.uptimeMillis)}${cause ? ': ' + cause : ''}`;
      case 'ProbeChanged':
        return `${e.role} probe (${e.kind}) ${e.healthy ? 'passing' : 'failing'} after ${e.latencyMillis}ms`
          + `${e.healthy ? (e.probeDetail ? ': ' + e.probeDetail : '') : (cause ? ': ' + cause : '')}`;
      case 'CircuitChanged':
        return `restart circuit ${e.from} → ${e.to}${e.to === 'OPEN' ? ' for ' + human(e.cooldownMillis) : ''}`
          + `${cause ? ': ' + cause : ''}`;
      case 'RestartScheduled':
        return `restart #${e.attempt} in ${human(e.delayMillis)}`;
      case 'GroupEscalated':
        return `group exceeded its intensity: ${e.restarts} failures within ${human(e.withinMillis)}, last by ${e.failedMember}`;
      case 'SystemCritical':
        return `CRITICAL: ${e.reason}`;
      case 'OrphanHandled':
        return `orphan pid ${e.pid} ${e.adopted ? 'adopted' : 'reaped'}${e.reason ? ': ' + e.reason : ''}`;
      case 'RegulatorLifecycle':
        return `regulator ${e.what}${e.reason ? ' (' + e.reason + ')' : ''}`;
      default:
        return JSON.stringify(e);
    }
  }

  /** failure, recovery or plain: how the timeline marks an event. */
  function tone(e) {
    switch (typeOf(e)) {
      case 'StateChanged':
        if (FAILURE_STATES.has(e.to)) return 'failure';
        return e.to === 'READY' ? 'recovery' : '';
      case 'ProcessExited':
        return e.category === 'REQUESTED' ? '' : 'failure';
      case 'ProbeChanged':
        return e.healthy ? '' : 'failure';
      case 'CircuitChanged':
        return e.to === 'OPEN' ? 'failure' : e.to === 'CLOSED' ? 'recovery' : '';
      case 'GroupEscalated':
      case 'SystemCritical':
        return 'failure';
      default:
        return '';
    }
  }

  function node(tag, attrs, children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') e.textContent = v;
      else if (k === 'className') e.className = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach((c) => c && e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c));
    return e;
  }

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, detail, sentToken) {
      super(detail);
      this.status = status;
      this.detail = detail;
      this.sentToken = sentToken || null;
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  /** A problem+json answer as one line: its detail, and each listed problem (an invalid reload). */
  function problemText(status, statusText, body) {
    if (body && typeof body === 'object') {
      const head = body.detail || body.title || `${status} ${statusText}`;
      const list = Array.isArray(body.problems) ? body.problems.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))) : [];
      return [head, ...list].join('; ');
    }
    return typeof body === 'string' && body ? `${status} ${statusText}: ${body.slice(0, 200)}` : `${status} ${statusText}`;
  }

  /**
   * The token goes with every change, and with reads only once a read was refused without one:
   * where reads are open (a loopback address without a read token), a wrong admin token never
   * stops the page from showing what goes on.
   */
  function authorization(headers, write) {
    const t = token();
    if (t && (write || model.readsNeedToken)) {
      headers.Authorization = 'Bearer ' + t;
      return t;
    }
    return null;
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const sent = authorization(headers, method !== 'GET');
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (e) {
      connection(false);
      throw new ApiError(0, 'Regulator does not answer (' + e.message + ')');
    }
    connection(true);
    const text = await res.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (notJson) {
        data = text;
      }
    }
    if (!res.ok) throw new ApiError(res.status, problemText(res.status, res.statusText, data), sent);
    return data;
  }

  /**
   * A read refused: from now on reads carry the token. Try again with the token the tab has, if
   * it was not sent yet; else (none, or the one sent was refused) ask for one, once.
   */
  function readRefused(e) {
    if (e.status !== 401 && e.status !== 403) return false;
    model.readsNeedToken = true;
    if (e.sentToken && token() === e.sentToken) sessionStorage.removeItem(TOKEN_KEY);
    if (token()) {
      refreshAll(true);
    } else if (!model.readTokenAsked) {
      model.readTokenAsked = true;
      askToken('This Regulator wants a token for reading too: enter the read or the admin token.', e.detail);
    }
    return true;
  }

  function connection(ok) {
    const banner = $('connection');
    if (ok) {
      banner.hidden = true;
    } else {
      banner.textContent = 'Regulator does not answer: retrying every few seconds.';
      banner.hidden = false;
    }
  }

  /** Runs task at most once at a time; triggers while it runs fold into one more run after it. */
  function coalesced(task) {
    let timer = null;
    let running = false;
    let again = false;
    async function run() {
      timer = null;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await task();
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        readRefused(e);
      } finally {
        running = false;
        if (again) {
          again = false;
          trigger(0);
        }
      }
    }
    function trigger(delay) {
      if (timer === null) timer = setTimeout(run, delay || 0);
    }
    return trigger;
  }

  // ---------------------------------------------------------------- components

  async function loadComponents() {
    const list = await api('GET', 'api/v1/components');
    const now = Date.now();
    const fresh = new Map();
    let stale = false;
    for (const v of list) {
      const s = model.streamed.get(v.name);
      if (s && s.state !== v.state) {
        const since = parseTime(v.since);
        const older = Number.isNaN(since) ? now - s.seenAt < 2000 : since < s.time;
        if (older) {
          v.state = s.state; // the stream has seen a later transition than this answer
          stale = true;
        }
      }
      v.fetchedAt = now;
      fresh.set(v.name, v);
      record(v, now);
    }
    model.views = fresh;
    renderGraph();
    renderFilterOptions();
    renderPanel();
    followAction();
    if (stale) refreshComponents(500);
  }

  const refreshComponents = coalesced(loadComponents);

  /** Adds one poll's memory and probe latencies to the component's history (the sparklines). */
  function record(v, now) {
    let h = model.history.get(v.name);
    if (!h) {
      h = { memory: [], latency: {}, lastCheck: {} };
      model.history.set(v.name, h);
    }
    if (v.resources && typeof v.resources.residentMemoryBytes === 'number') h.memory.push([now, v.resources.residentMemoryBytes]);
    for (const p of v.probes || []) {
      if (typeof p.lastLatencyMillis !== 'number') continue;
      const stamp = p.lastCheck || String(now);
      if (h.lastCheck[p.role] === stamp) continue;
      h.lastCheck[p.role] = stamp;
      const t = parseTime(p.lastCheck);
      (h.latency[p.role] = h.latency[p.role] || []).push([Number.isNaN(t) ? now : t, p.lastLatencyMillis]);
    }
    const cut = now - HISTORY_MILLIS;
    h.memory = h.memory.filter((x) => x[0] >= cut);
    Object.keys(h.latency).forEach((role) => {
      h.latency[role] = h.latency[role].filter((x) => x[0] >= cut);
    });
  }

  function renderGraph() {
    const views = Array.from(model.views.values());
    const svg = $('graph');
    $('graph-empty').hidden = views.length > 0;
    const shape = Graph.shapeKey(views);
    if (shape !== model.shape) {
      model.shape = shape;
      model.layout = Graph.layout(views);
      model.nodes = Graph.draw(svg, model.layout);
      model.nodes.forEach((el, name) => {
        el.addEventListener('click', () => select(name));
        el.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            select(name);
          }
        });
      });
    }
    views.forEach(renderNode);
    renderEdges();
  }

  /** The pid to show: none once the stream says the process is gone, even before the next poll. */
  function pidOf(v) {
    return v.pid !== null && v.pid !== undefined && PROCESS_STATES.has(v.state) ? v.pid : null;
  }

  function renderNode(v) {
    const el = model.nodes.get(v.name);
    if (!el) return;
    const circuit = v.circuit || 'CLOSED';
    el.setAttribute('data-state', v.state);
    el.setAttribute('data-circuit', circuit);
    const pid = pidOf(v);
    el.setAttribute('data-pid', pid === null ? '' : pid);
    el.setAttribute('class', ['node', 'state-' + v.state, 'circuit-' + circuit, model.selected === v.name ? 'selected' : '']
      .filter((c) => c).join(' '));
    const detail = el.querySelector('.node-detail');
    detail.textContent = v.state + (pid ? ' · pid ' + pid : '') + (circuit !== 'CLOSED' ? ' · circuit ' + circuit : '');
    el.querySelector('.node-badge').textContent = v.critical ? '★' : '';
    el.querySelector('title').textContent = `${v.name}: ${v.state}${v.critical ? ' (critical)' : ''}`
      + (v.lastCause && v.lastCause.detail ? ` — ${v.lastCause.detail}` : '');
  }

  /** An edge turns red while its dependency is not READY. */
  function renderEdges() {
    document.querySelectorAll('#graph .edge').forEach((path) => {
      const to = model.views.get(path.getAttribute('data-to'));
      const down = to && to.state !== 'READY';
      path.setAttribute('class', `edge edge-${path.getAttribute('data-kind')}${down ? ' edge-down' : ''}`);
    });
  }

  // ---------------------------------------------------------------- the panel

  function select(name) {
    model.selected = name;
    $('action-feedback').textContent = '';
    $('action-feedback').setAttribute('data-status', 'idle');
    model.watch = null;
    if (location.hash !== '#' + encodeURIComponent(name)) history.replaceState(null, '', '#' + encodeURIComponent(name));
    model.views.forEach(renderNode);
    renderPanel();
  }

  function setText(id, text) {
    const e = $(id);
    if (e.textContent !== String(text)) e.textContent = text;
  }

  function renderPanel() {
    const v = model.selected ? model.views.get(model.selected) : null;
    $('panel-hint').hidden = !!v;
    $('panel-body').hidden = !v;
    $('panel').setAttribute('data-component', v ? v.name : '');
    if (!v) return;
    setText('panel-name', v.name);
    setText('panel-state', v.state);
    $('panel-state').setAttribute('data-state', v.state);
    setText('panel-pid', pidOf(v) === null ? '–' : pidOf(v));
    renderUptime();
    setText('panel-restarts', v.restarts === undefined ? '–' : v.restarts);
    setText('panel-circuit', v.circuit || '–');
    setText('panel-wanted', v.wantedUp === undefined ? '–' : v.wantedUp ? 'up' : 'down');
    setText('panel-critical', v.critical ? 'yes' : 'no');
    setText('panel-group', v.group || '–');
    const kinds = v.dependsOnKinds || {};
    const deps = Array.from(new Set([...(v.dependsOn || []), ...Object.keys(kinds)]));
    setText('panel-deps', deps.length ? deps.map((d) => {
      const dep = model.views.get(d);
      return `${d} (${kinds[d] || 'requires'}${dep ? ', ' + dep.state : ''})`;
    }).join(', ') : '–');

    const r = v.resources;
    setText('panel-memory', r ? bytes(r.residentMemoryBytes) : '–');
    const threads = r && typeof r.threads === 'number' ? `${r.threads} thread${r.threads === 1 ? '' : 's'}` : '– threads';
    setText('panel-cpu', r ? `${typeof r.cpuSeconds === 'number' ? r.cpuSeconds.toFixed(2) + ' s' : '–'}, ${threads}` : '–');
    const h = model.history.get(v.name) || { memory: [], latency: {} };
    sparkline($('spark-memory'), h.memory, bytes);
    const hb = v.heartbeat;
    setText('panel-heartbeat', hb && hb.last ? when(hb.last) + (hb.metrics ? ' ' + Object.entries(hb.metrics)
      .map(([k, x]) => `${k}=${x}`).join(' ') : '') : '–');

    renderProbes(v, h);
    renderExit(v);
    const out = $('panel-output');
    const text = (v.recentOutput || []).join('\n');
    if (out.textContent !== text) {
      const atEnd = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
      out.textContent = text || '(no output)';
      if (atEnd) out.scrollTop = out.scrollHeight;
    }
  }

  function renderUptime() {
    const v = model.selected ? model.views.get(model.selected) : null;
    if (!v) return;
    const running = pidOf(v) !== null && typeof v.uptimeMillis === 'number';
    setText('panel-uptime', running ? human(v.uptimeMillis + (Date.now() - v.fetchedAt)) : '–');
  }

  function renderProbes(v, h) {
    const body = $('panel-probes');
    body.textContent = '';
    const probes = v.probes || [];
    if (!probes.length) {
      body.appendChild(node('tr', {}, [node('td', { colspan: 4, className: 'muted', text: 'no probes (ready after it has run a while)' })]));
      return;
    }
    probes.forEach((p) => {
      const result = p.healthy === null || p.healthy === undefined ? '–' : p.healthy ? 'passing' : 'failing';
      const cause = p.lastCause ? (typeof p.lastCause === 'string' ? p.lastCause : causeText(p.lastCause.detail, p.lastCause.suggestion)) : '';
      const spark = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      spark.setAttribute('class', 'spark');
      spark.setAttribute('id', 'spark-latency-' + p.role);
      sparkline(spark, (h.latency && h.latency[p.role]) || [], (x) => Math.round(x) + 'ms');
      body.appendChild(node('tr', { 'data-role': p.role, 'data-healthy': String(p.healthy) }, [
        node('td', {}, [node('strong', { text: p.role }), ` ${p.kind || ''}`]),
        node('td', {}, [
          node('span', { className: p.healthy ? 'ok' : p.healthy === false ? 'bad' : '', text: result }),
          p.consecutiveFailures ? ` ×${p.consecutiveFailures}` : '',
          cause ? node('div', { className: 'cause', text: cause }) : null,
          p.lastCheck ? node('div', { className: 'muted small', text: clock(parseTime(p.lastCheck)) }) : null,
        ]),
        node('td', { text: typeof p.lastLatencyMillis === 'number' ? p.lastLatencyMillis + 'ms' : '–' }),
        node('td', {}, [spark]),
      ]));
    });
  }

  function renderExit(v) {
    const box = $('panel-last-exit');
    box.textContent = '';
    const x = v.lastExit;
    if (!x) {
      box.textContent = 'none since Regulator started';
    } else {
      box.appendChild(node('div', {}, [node('strong', { text: exitText(x.code, x.signal) }),
        x.time ? ` at ${when(x.time)}` : '', x.category ? ` [${x.category}]` : '']));
      if (x.cause) box.appendChild(node('div', { text: x.cause }));
      if (x.suggestion) box.appendChild(node('div', { className: 'suggestion', text: '→ ' + x.suggestion }));
    }
    const c = v.lastCause;
    const causeBox = $('panel-last-cause');
    causeBox.textContent = '';
    if (c && c.detail && (!x || c.detail !== x.cause)) {
      causeBox.appendChild(node('div', {}, [node('span', { className: 'muted', text: 'last cause: ' }), c.detail,
        c.category ? ` [${c.category}]` : '']));
      if (c.suggestion) causeBox.appendChild(node('div', { className: 'suggestion', text: '→ ' + c.suggestion }));
    }
  }

  /** An inline SVG line of [time, value] points over the history window, with its last value. */
  function sparkline(svg, points, format) {
    const w = 150;
    const h = 30;
    const pad = 3;
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.setAttribute('data-points', points.length);
    svg.textContent = '';
    const ns = 'http://www.w3.org/2000/svg';
    const title = document.createElementNS(ns, 'title');
    if (!points.length) {
      title.textContent = 'no samples yet';
      svg.appendChild(title);
      return;
    }
    const now = Date.now();
    const t0 = points[0][0];
    const values = points.map((p) => p[1]);
    const max = Math.max(...values);
    const min = Math.min(0, ...values);
    const span = max - min || 1;
    const xy = points.map(([t, v]) => [pad + ((t - t0) / Math.max(1, now - t0)) * (w - 2 * pad),
      h - pad - ((v - min) / span) * (h - 2 * pad)]);
    const line = xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
    const area = document.createElementNS(ns, 'polygon');
    area.setAttribute('class', 'spark-area');
    area.setAttribute('points', `${xy[0][0].toFixed(1)},${h - pad} ${line} ${xy[xy.length - 1][0].toFixed(1)},${h - pad}`);
    const poly = document.createElementNS(ns, 'polyline');
    poly.setAttribute('points', line);
    const last = document.createElementNS(ns, 'circle');
    last.setAttribute('class', 'spark-last');
    last.setAttribute('cx', xy[xy.length - 1][0].toFixed(1));
    last.setAttribute('cy', xy[xy.length - 1][1].toFixed(1));
    last.setAttribute('r', '2');
    title.textContent = `last ${format(values[values.length - 1])}, min ${format(Math.min(...values))}, `
      + `max ${format(max)} over ${human(now - points[0][0])}`;
    svg.append(title, area, poly, last);
  }

  // ---------------------------------------------------------------- actions

  const VERBS = { start: ['starting', 'started'], stop: ['stopping', 'stopped'], restart: ['restarting', 'restarted'] };

  function feedback(status, text) {
    const f = $('action-feedback');
    f.setAttribute('data-status', status);
    f.removeAttribute('data-pid');
    f.textContent = text;
  }

  function buttons(enabled) {
    ['btn-start', 'btn-stop', 'btn-restart'].forEach((id) => {
      $(id).disabled = !enabled;
    });
  }

  async function act(action) {
    const name = model.selected;
    if (!name) return;
    if (!token()) {
      model.pendingAction = { action, name };
      askToken(`Enter the admin token to ${action} ${name}.`);
      return;
    }
    const before = model.views.get(name);
    const oldPid = before ? before.pid : null;
    feedback('pending', `${VERBS[action][0]} ${name}…`);
    buttons(false);
    try {
      const view = await api('POST', `api/v1/components/${encodeURIComponent(name)}/${action}`, { reason: 'dashboard' });
      if (view && view.name) {
        const old = model.views.get(view.name);
        view.fetchedAt = Date.now();
        if (old) model.views.set(view.name, view);
      }
      model.watch = { name, action, oldPid, until: Date.now() + 30000 };
      feedback('done', `${action} of ${name} accepted${view && view.state ? ': now ' + outcome(view) : ''}`);
      renderGraph();
      renderPanel();
      followAction();
      refreshComponents(200);
      refreshStatus(200);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 401 || e.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        model.pendingAction = { action, name };
        feedback('error', `${action} ${name} refused: ${e.detail}`);
        askToken(`Enter the admin token to ${action} ${name}.`, `The token was refused: ${e.detail}`);
      } else {
        feedback('error', `${action} ${name} failed: ${e.detail}`);
      }
    } finally {
      buttons(true);
    }
  }

  function outcome(view) {
    if (!view) return 'done';
    return view.state + (view.pid ? `, pid ${view.pid}` : '');
  }

  /** After a restart or start, tells the new pid once the new process runs; after a stop, that it stopped. */
  function followAction() {
    const w = model.watch;
    if (!w || w.name !== model.selected) return;
    if (Date.now() > w.until) {
      model.watch = null;
      return;
    }
    const v = model.views.get(w.name);
    if (!v) return;
    if (w.action === 'stop' && v.state === 'STOPPED') {
      feedback('done', `${w.name} stopped`);
      model.watch = null;
    } else if (w.action !== 'stop' && v.pid && v.pid !== w.oldPid) {
      feedback('done', `${w.name} ${VERBS[w.action][1]}: new pid ${v.pid}, ${v.state}`);
      $('action-feedback').setAttribute('data-pid', v.pid);
      if (v.state === 'READY') model.watch = null;
    }
  }

  // ---------------------------------------------------------------- token form

  function askToken(message, problem) {
    const dialog = $('token-dialog');
    $('token-message').textContent = message;
    $('token-problem').textContent = problem || '';
    $('token-problem').hidden = !problem;
    $('token-input').value = '';
    if (!dialog.open) dialog.showModal();
    $('token-input').focus();
  }

  function wireTokenForm() {
    const dialog = $('token-dialog');
    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const value = $('token-input').value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      model.readTokenAsked = false;
      dialog.close();
      const pending = model.pendingAction;
      model.pendingAction = null;
      if (pending && pending.name === model.selected) act(pending.action);
      refreshAll();
    });
    $('token-cancel').addEventListener('click', () => {
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      if (model.pendingAction) {
        model.pendingAction = null;
        if ($('action-feedback').getAttribute('data-status') !== 'error') feedback('idle', '');
      }
    });
  }

  // ---------------------------------------------------------------- status and alerts

  async function loadStatus() {
    const s = await api('GET', 'api/v1/status');
    const overall = $('overall-state');
    overall.textContent = s.state;
    overall.setAttribute('data-state', s.state);
    setText('score', s.score);
    setText('node-name', s.node ? 'node ' + s.node : '');
    setText('counts', Object.entries(s.counts || {}).map(([k, n]) => `${n} ${k}`).join(' · '));
    document.title = `${s.state} · Regulator`;
  }

  const refreshStatus = coalesced(loadStatus);

  async function loadAlerts() {
    const a = await api('GET', 'api/v1/alerts');
    const active = (a && a.active) || [];
    const silences = (a && a.silences) || [];
    const list = $('alerts');
    list.textContent = '';
    active.forEach((item) => {
      const al = item.alert || item;
      const severity = String(al.severity || '').toLowerCase();
      const cause = al.cause ? causeText(al.cause.detail, al.cause.suggestion) : '';
      list.appendChild(node('li', { 'data-severity': severity, 'data-component': al.component, 'data-key': al.key }, [
        node('div', { className: 'title', text: `${al.severity ? al.severity + ' · ' : ''}${al.title || al.condition || al.key}` }),
        cause ? node('div', { text: cause }) : null,
        node('div', { className: 'sub', text: [al.component, al.condition, al.since ? 'since ' + when(al.since) : '',
          item.occurrences ? item.occurrences + '×' : '', item.suppressed ? 'not sent: ' + item.suppressed : '']
          .filter((x) => x).join(' · ') }),
      ]));
    });
    $('alerts-empty').hidden = active.length > 0;
    const sl = $('silences');
    sl.textContent = '';
    silences.forEach((s) => {
      sl.appendChild(node('li', { 'data-silence': s.id, 'data-component': s.component }, [
        node('div', { className: 'title', text: `${s.component === '*' ? 'everything' : s.component} silenced` }),
        node('div', { className: 'sub', text: [`until ${new Date(parseTime(s.endsAt)).toLocaleString()}`, s.reason]
          .filter((x) => x).join(' · ') }),
      ]));
    });
    $('silences-empty').hidden = silences.length > 0;
  }

  const refreshAlerts = coalesced(loadAlerts);

  // ---------------------------------------------------------------- timeline

  function eventKey(e) {
    return [e.time, typeOf(e), e.component, e.from, e.to, e.pid, e.role, e.what, e.attempt].join('|');
  }

  /** An alert record of the stream (Notification, AlertSuppressed, SilenceAdded, SilenceRemoved) as a timeline line. */
  function describeAlert(e) {
    const al = e.alert || null;
    const sil = e.silence || null;
    const who = sil ? (sil.component === '*' ? 'everything' : sil.component) : '';
    switch (e.type) {
      case 'Notification': {
        const alerts = (e.alerts || []).map((a) => `${a.resolved ? 'resolved: ' : ''}${a.title || a.condition}`);
        return `alert sent to ${e.receiver}: ${alerts.length ? alerts.join('; ') : e.summary || ''}`;
      }
      case 'AlertSuppressed':
        return `alert not sent (${e.reason}): ${al ? al.title || al.condition : ''}`;
      case 'SilenceAdded':
        return `silence added for ${who} until ${new Date(parseTime(sil.endsAt)).toLocaleString()}`
          + `${sil.reason ? ': ' + sil.reason : ''}`;
      case 'SilenceRemoved':
        return `silence for ${who} ${e.expired ? 'expired' : 'removed'}`;
      default:
        return al ? `alert ${al.severity ? String(al.severity).toLowerCase() + ' ' : ''}${al.title || al.condition}`
          : JSON.stringify(e);
    }
  }

  function addEvent(e, kind) {
    const alert = kind === 'alert';
    const key = alert ? 'alert|' + JSON.stringify(e) : eventKey(e);
    if (model.eventKeys.has(key)) return;
    model.eventKeys.add(key);
    const time = parseTime(e.time || e.createdAt || new Date().toISOString());
    const subject = e.alert || e.silence || (e.alerts && e.alerts[0]) || {};
    const component = (alert ? subject.component : e.component) || 'system';
    const text = alert ? describeAlert(e) : describe(e);
    const type = alert ? 'alert' : typeOf(e);
    const li = node('li', {
      className: alert ? 'alert' : tone(e), 'data-component': component, 'data-type': type,
      'data-failure': String(!alert && tone(e) === 'failure'),
    }, [
      node('span', { className: 'time', title: e.time || '', text: clock(time) }),
      node('span', { className: 'who', text: component }),
      node('span', { className: 'what', text }),
    ]);
    const entry = { time: Number.isNaN(time) ? Date.now() : time, key, li, component };
    // oldest first in the model, newest first on the page
    let i = model.events.length;
    while (i > 0 && model.events[i - 1].time > entry.time) i--;
    model.events.splice(i, 0, entry);
    const older = i > 0 ? model.events[i - 1].li : null;
    $('timeline').insertBefore(li, older);
    applyFilter(li);
    while (model.events.length > TIMELINE_MAX) {
      const gone = model.events.shift();
      gone.li.remove();
      model.eventKeys.delete(gone.key);
    }
    $('timeline-empty').hidden = model.events.length > 0;
    if (!model.views.has(component)) renderFilterOptions();
  }

  function applyFilter(li) {
    const who = $('timeline-filter').value;
    const failures = $('timeline-failures').checked;
    li.hidden = (who && li.getAttribute('data-component') !== who)
      || (failures && li.getAttribute('data-failure') !== 'true' && li.getAttribute('data-type') !== 'alert');
  }

  function renderFilterOptions() {
    const select = $('timeline-filter');
    const names = new Set([...model.views.keys(), ...model.events.map((e) => e.component)]);
    const sorted = Array.from(names).sort();
    const have = Array.from(select.options).slice(1).map((o) => o.value);
    if (have.join('\n') === sorted.join('\n')) return;
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    sorted.forEach((n) => select.appendChild(node('option', { value: n, text: n })));
    select.value = names.has(keep) ? keep : '';
  }

  async function loadEvents() {
    const list = await api('GET', 'api/v1/events?limit=200');
    (list || []).forEach((e) => addEvent(e, 'health'));
  }

  // ---------------------------------------------------------------- the live stream

  function streamStatus(status) {
    const s = $('stream-status');
    s.setAttribute('data-status', status);
    s.textContent = status;
  }

  function onHealth(e) {
    addEvent(e, 'health');
    const type = typeOf(e);
    const v = model.views.get(e.component);
    if (type === 'StateChanged' && e.to) {
      model.streamed.set(e.component, { state: e.to, time: parseTime(e.time), seenAt: Date.now() });
      if (v) {
        v.state = e.to;
        renderNode(v);
        renderEdges();
        if (model.selected === e.component) renderPanel();
      }
      refreshStatus(100);
      refreshAlerts(1500); // alerts follow failures after their group wait
    }
    if (type === 'ProcessExited' && v && v.pid === e.pid) {
      v.pid = null;
      v.resources = null;
      renderNode(v);
    }
    if (type === 'ProcessStarted' && v && typeof e.pid === 'number') {
      v.pid = e.pid;
      v.uptimeMillis = 0;
      v.fetchedAt = Date.now();
      renderNode(v);
    }
    if (type === 'CircuitChanged' && v) {
      v.circuit = e.to;
      renderNode(v);
    }
    if (v && model.selected === e.component && type !== 'StateChanged') renderPanel();
    refreshComponents(150);
  }

  function onAlert(a) {
    addEvent(a, 'alert');
    refreshAlerts(100);
  }

  /** One server-sent event block: `event:` and `data:` lines. */
  function dispatch(block) {
    let type = 'message';
    const data = [];
    block.split('\n').forEach((line) => {
      if (!line || line.startsWith(':')) return;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    });
    if (!data.length) return;
    let payload;
    try {
      payload = JSON.parse(data.join('\n'));
    } catch (notJson) {
      return;
    }
    if (type === 'health') onHealth(payload);
    else if (type === 'alert') onAlert(payload);
  }

  /**
   * The SSE stream read with fetch (EventSource cannot send the token a configured read token
   * asks for). On a break: wait, connect again, and fetch what may have been missed.
   */
  async function stream() {
    let first = true;
    for (;;) {
      try {
        const headers = { Accept: 'text/event-stream' };
        const sent = authorization(headers, false);
        const res = await fetch('api/v1/events/stream', { headers, cache: 'no-store' });
        if (!res.ok) throw new ApiError(res.status, problemText(res.status, res.statusText, null), sent);
        connection(true);
        streamStatus('live');
        if (!first) refreshAll(true);
        first = false;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (e) {
        if (e instanceof ApiError) readRefused(e);
        else connection(false);
      }
      streamStatus('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MILLIS));
    }
  }

  // ---------------------------------------------------------------- start

  function refreshAll(withEvents) {
    refreshComponents(0);
    refreshStatus(0);
    refreshAlerts(0);
    if (withEvents) refreshEvents(0);
  }

  const refreshEvents = coalesced(loadEvents);

  function start() {
    wireTokenForm();
    document.querySelectorAll('.actions button').forEach((b) => {
      b.addEventListener('click', () => act(b.getAttribute('data-action')));
    });
    $('timeline-filter').addEventListener('change', () => model.events.forEach((e) => applyFilter(e.li)));
    $('timeline-failures').addEventListener('change', () => model.events.forEach((e) => applyFilter(e.li)));
    if (location.hash.length > 1) model.selected = decodeURIComponent(location.hash.slice(1));
    stream();
    refreshAll(true);
    setInterval(() => {
      refreshComponents(0);
      refreshStatus(0);
    }, POLL_MILLIS);
    setInterval(() => refreshAlerts(0), ALERTS_POLL_MILLIS);
    setInterval(renderUptime, 1000);
  }

  start();
})();
