// deploykit web console: renders the variables' JSON Schema as a form, validates on the server as
// the user types, deploys, and follows the progress over EventSource. No framework, no build step.
'use strict';

(function () {
  const STEPS = [
    ['GENERATING', 'Generate files'],
    ['CREATING_PROJECT', 'Create project'],
    ['CONFIGURING', 'Set variables'],
    ['UPLOADING', 'Upload files'],
    ['BUILDING', 'Build'],
    ['SUCCESS', 'Live'],
  ];
  const EVENTS = ['pending', 'generating', 'creating_project', 'configuring', 'uploading',
    'building', 'success', 'failed', 'timed_out', 'cancelled'];
  const TERMINAL = new Set(['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED']);
  const SCAFFOLD_SELECTS = ['database', 'auth', 'aiTemplate', 'aiProvider'];
  const DEFAULT_SCAFFOLD = {
    database: 'prisma-postgres', auth: 'nextauth', aiTemplate: 'chatbot', aiProvider: 'anthropic',
  };
  const VALIDATE_DELAY_MS = 300;

  const form = {
    options: null,
    schema: null,
    values: {},        // key -> typed value (kept only in this page's memory)
    generated: {},     // key -> {handle, length}: the value itself stays on the server
    touched: new Set(),
    errors: {},
    valid: false,
    pending: false,
    busy: false,
    validateSeq: 0,
    schemaSeq: 0,
    timer: 0,
  };
  let progress = null;

  const el = (id) => document.getElementById(id);

  function make(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function api(method, path, body) {
    const init = { method, cache: 'no-store', headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      return { status: 0, ok: false, data: { error: { message: 'The console is not reachable: is deploykit web still running?' } } };
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, ok: response.ok, data };
  }

  function errorMessage(r) {
    return (r.data && r.data.error && r.data.error.message) || ('The console answered HTTP ' + r.status);
  }

  function banner(text) {
    const b = el('banner');
    b.textContent = text || '';
    b.hidden = !text;
  }

  function show(view) {
    el('form-view').hidden = view !== 'form';
    el('progress-view').hidden = view !== 'progress';
    document.body.dataset.view = view;
  }

  // ------------------------------------------------------------------ the form

  function fillSelect(select, values, selected, noneLabel) {
    select.replaceChildren(make('option', { value: '' }, noneLabel));
    for (const v of values) select.append(make('option', { value: v, selected: v === selected }, v));
  }

  function fillChecks(container, field, values) {
    container.replaceChildren();
    for (const v of values) {
      const id = 'scaffold-' + field + '-' + v;
      const label = make('label', { class: 'check', for: id });
      label.append(make('input', { type: 'checkbox', id, value: v, 'data-field': field }), make('span', {}, v));
      container.append(label);
    }
  }

  function scaffold() {
    const s = {};
    for (const f of SCAFFOLD_SELECTS) {
      const v = el('scaffold-' + f).value;
      if (v) s[f] = v;
    }
    s.oauthProviders = [];
    if (s.auth === 'nextauth') {
      for (const c of el('scaffold-oauthProviders').querySelectorAll('input:checked')) s.oauthProviders.push(c.value);
    }
    s.services = [];
    for (const c of el('scaffold-services').querySelectorAll('input:checked')) s.services.push(c.value);
    return s;
  }

  function payload() {
    const generated = {};
    for (const [key, g] of Object.entries(form.generated)) generated[key] = g.handle;
    return { scaffold: scaffold(), values: form.values, generated };
  }

  async function loadSchema() {
    el('oauth-group').hidden = el('scaffold-auth').value !== 'nextauth';
    const seq = ++form.schemaSeq;
    form.schema = null;
    updateDeployButton();
    const r = await api('POST', '/api/schema', { scaffold: scaffold() });
    if (seq !== form.schemaSeq) return;
    const err = el('scaffold-error');
    if (!r.ok) {
      err.textContent = errorMessage(r);
      err.hidden = false;
      el('fields').replaceChildren();
      el('variables-hint').textContent = 'Fix the scaffold to see its variables.';
      return;
    }
    err.hidden = true;
    form.schema = r.data.schema;
    renderFields(form.schema);
    validateNow();
  }

  function renderFields(schema) {
    const properties = schema.properties || {};
    const keys = Object.keys(properties);
    const required = new Set(schema.required || []);
    for (const key of Object.keys(form.values)) if (!(key in properties)) delete form.values[key];
    for (const key of Object.keys(form.generated)) if (!(key in properties)) delete form.generated[key];

    const fields = el('fields');
    fields.replaceChildren();
    el('variables-hint').textContent = keys.length === 0
      ? 'This scaffold needs no environment variables.'
      : keys.length + ' variables; those marked * are required. Secrets are masked and never shown back.';

    for (const key of keys) {
      const p = properties[key];
      const sensitive = p['x-sensitive'] === true || p.writeOnly === true;
      const isRequired = required.has(key);
      if (!(key in form.values) && typeof p.default === 'string') form.values[key] = p.default;

      const field = make('div', { class: 'field', id: 'field-' + key, 'data-key': key });
      const label = make('label', { for: 'var-' + key, class: 'field-label' });
      label.append(make('span', { class: 'key' }, key));
      if (isRequired) label.append(make('span', { class: 'req', title: 'required', 'aria-label': 'required' }, '*'));
      else label.append(make('span', { class: 'opt' }, 'optional'));
      if (sensitive) label.append(make('span', { class: 'badge' }, 'secret'));
      field.append(label);
      if (p.description) field.append(make('p', { class: 'desc', id: 'desc-' + key }, p.description));

      const row = make('div', { class: 'input-row' });
      const example = Array.isArray(p.examples) && p.examples.length ? String(p.examples[0]) : '';
      const input = make('input', {
        id: 'var-' + key, name: key, type: sensitive ? 'password' : 'text',
        placeholder: example, spellcheck: 'false', autocapitalize: 'off',
        autocomplete: sensitive ? 'new-password' : 'off',
        'aria-required': isRequired ? 'true' : 'false',
        'aria-describedby': (p.description ? 'desc-' + key + ' ' : '') + 'msg-' + key,
        'data-example': example,
      });
      input.value = form.values[key] || '';
      input.addEventListener('input', () => {
        form.values[key] = input.value;
        if (form.generated[key]) clearGenerated(key, input);
        form.touched.add(key);
        scheduleValidate();
      });
      input.addEventListener('blur', () => {
        if (!form.touched.has(key)) { form.touched.add(key); renderMessages(); }
      });
      row.append(input);

      if (sensitive) {
        const toggle = make('button', { type: 'button', class: 'ghost', id: 'show-' + key, 'aria-controls': 'var-' + key, 'aria-pressed': 'false' }, 'Show');
        toggle.addEventListener('click', () => {
          const shown = input.type === 'password';
          input.type = shown ? 'text' : 'password';
          toggle.textContent = shown ? 'Hide' : 'Show';
          toggle.setAttribute('aria-pressed', String(shown));
        });
        row.append(toggle);
      }
      if (p['x-generatable'] === true) {
        const gen = make('button', { type: 'button', class: 'ghost', id: 'generate-' + key }, 'Generate');
        gen.addEventListener('click', () => generate(key, input));
        row.append(gen);
      }
      field.append(row);
      field.append(make('p', { class: 'msg', id: 'msg-' + key, 'aria-live': 'polite' }));
      fields.append(field);
      if (form.generated[key]) markGenerated(key, input);
    }
  }

  function markGenerated(key, input) {
    const g = form.generated[key];
    input.value = '';
    input.placeholder = 'Generated (' + g.length + ' chars) · type to replace';
    input.classList.add('generated');
  }

  function clearGenerated(key, input) {
    delete form.generated[key];
    input.placeholder = input.dataset.example || '';
    input.classList.remove('generated');
  }

  async function generate(key, input) {
    const r = await api('POST', '/api/generate', { scaffold: scaffold(), key });
    if (!r.ok) { banner(errorMessage(r)); return; }
    banner('');
    form.generated[key] = { handle: r.data.handle, length: r.data.length };
    delete form.values[key];
    form.touched.add(key);
    markGenerated(key, input);
    validateNow();
  }

  function scheduleValidate() {
    clearTimeout(form.timer);
    form.pending = true;
    updateDeployButton();
    form.timer = setTimeout(validateNow, VALIDATE_DELAY_MS);
  }

  async function validateNow() {
    clearTimeout(form.timer);
    if (!form.schema) return;
    form.pending = true;
    updateDeployButton();
    const seq = ++form.validateSeq;
    const r = await api('POST', '/api/validate', payload());
    if (seq !== form.validateSeq) return;   // a newer check is on its way
    form.pending = false;
    if (!r.ok) {
      form.valid = false;
      banner(errorMessage(r));
    } else {
      form.errors = r.data.errors || {};
      form.valid = r.data.valid === true;
    }
    renderMessages();
    updateDeployButton();
  }

  function renderMessages() {
    if (!form.schema) return;
    for (const key of Object.keys(form.schema.properties || {})) {
      const field = el('field-' + key);
      const msg = el('msg-' + key);
      const input = el('var-' + key);
      if (!field || !msg || !input) continue;
      const error = form.errors[key];
      const touched = form.touched.has(key);
      const filled = !!form.values[key] || !!form.generated[key];
      field.classList.toggle('invalid', touched && !!error);
      field.classList.toggle('valid', touched && !error && filled);
      input.setAttribute('aria-invalid', touched && error ? 'true' : 'false');
      if (touched && error) {
        msg.textContent = error;
        msg.className = 'msg invalid';
      } else if (touched && filled) {
        msg.textContent = form.generated[key] ? 'Generated; kept on the server' : 'Looks good';
        msg.className = 'msg ok';
      } else {
        msg.textContent = '';
        msg.className = 'msg';
      }
    }
  }

  function updateDeployButton() {
    const name = el('project-name').value.trim();
    const count = Object.keys(form.errors).length;
    const ready = !!form.schema && form.valid && !form.pending && !form.busy && name.length > 0;
    el('deploy-button').disabled = !ready;
    const status = el('form-status');
    if (!form.schema) status.textContent = '';
    else if (form.pending) status.textContent = 'Checking…';
    else if (!name) status.textContent = 'Give the project a name';
    else if (count > 0) status.textContent = count + (count === 1 ? ' field needs' : ' fields need') + ' attention';
    else status.textContent = 'Ready to deploy';
    status.dataset.state = ready ? 'ready' : 'blocked';
  }

  async function deploy(event) {
    event.preventDefault();
    if (el('deploy-button').disabled) return;
    form.busy = true;
    updateDeployButton();
    banner('');
    el('target-error').hidden = true;
    const body = payload();
    body.projectName = el('project-name').value.trim();
    body.platform = el('platform').value;
    body.simulateFailure = el('simulate-failure').checked && body.platform === 'memory';
    const r = await api('POST', '/api/deploy', body);
    form.busy = false;
    if (r.status === 422 && r.data) {
      form.errors = r.data.errors || {};
      form.valid = false;
      for (const key of Object.keys(form.errors)) form.touched.add(key);
      renderMessages();
      updateDeployButton();
      banner(errorMessage(r));
      return;
    }
    if (!r.ok) {
      const field = r.data && r.data.error && r.data.error.field;
      if (field === 'projectName' || field === 'platform' || field === 'simulateFailure') {
        el('target-error').textContent = errorMessage(r);
        el('target-error').hidden = false;
      } else {
        banner(errorMessage(r));
      }
      updateDeployButton();
      return;
    }
    history.pushState(null, '', '#/deployments/' + encodeURIComponent(r.data.id));
    openProgress(r.data.id);
  }

  // ------------------------------------------------------------------ progress

  function setConnection(state, text) {
    const pill = el('connection');
    pill.dataset.state = state;
    pill.textContent = text;
  }

  function openProgress(id) {
    closeProgress();
    show('progress');
    banner('');
    const view = el('progress-view');
    progress = {
      id, es: null, lastSeq: 0, duplicates: 0, gaps: 0, reconnects: 0, lines: 0,
      firstTs: null, endTs: null, ended: false, lastStep: null, timer: 0, upload: null,
    };
    view.dataset.deploymentId = id;
    view.dataset.status = 'PENDING';
    view.dataset.lastSequence = '0';
    view.dataset.duplicates = '0';
    view.dataset.reconnects = '0';
    el('progress-title').textContent = 'Deploying';
    el('progress-message').textContent = '';
    el('status-label').textContent = '';
    el('log').replaceChildren();
    el('log-count').textContent = '0 lines';
    el('result').hidden = true;
    el('failure').hidden = true;
    el('elapsed').textContent = '0.0 s';
    el('bar').classList.remove('failed', 'done');
    const steps = el('steps');
    steps.replaceChildren();
    STEPS.forEach(([status, label], i) => {
      const li = make('li', { 'data-step': status, class: 'step' });
      li.append(make('span', { class: 'dot' }, String(i + 1)), make('span', { class: 'step-label' }, label));
      steps.append(li);
    });
    setBar(0);
    setConnection('connecting', 'Connecting…');

    const es = new EventSource('/api/deployments/' + encodeURIComponent(id) + '/events');
    progress.es = es;
    const mine = progress;
    for (const name of EVENTS) es.addEventListener(name, (ev) => { if (progress === mine) onFrame(ev); });
    es.onopen = () => { if (progress === mine && !mine.ended) setConnection('live', 'Live'); };
    es.onerror = () => {
      if (progress !== mine || mine.ended) return;
      if (es.readyState === EventSource.CONNECTING) {
        mine.reconnects++;
        view.dataset.reconnects = String(mine.reconnects);
        setConnection('reconnecting', 'Reconnecting…');
      } else {
        setConnection('closed', 'Disconnected');
        fetchFinal(mine);
      }
    };
    progress.timer = setInterval(tickElapsed, 100);
  }

  function closeProgress() {
    if (!progress) return;
    if (progress.es) progress.es.close();
    clearInterval(progress.timer);
    progress = null;
  }

  function onFrame(ev) {
    let u;
    try { u = JSON.parse(ev.data); } catch (e) { return; }
    const view = el('progress-view');
    if (u.sequence <= progress.lastSeq) {
      // Never expected (the server replays from Last-Event-ID); counted so that tests can tell.
      progress.duplicates++;
      view.dataset.duplicates = String(progress.duplicates);
      return;
    }
    if (progress.lastSeq > 0 && u.sequence !== progress.lastSeq + 1) progress.gaps++;
    progress.lastSeq = u.sequence;
    view.dataset.lastSequence = String(u.sequence);
    apply(u);
  }

  function apply(u) {
    const view = el('progress-view');
    const ts = Date.parse(u.timestamp);
    if (progress.firstTs === null && !Number.isNaN(ts)) progress.firstTs = ts;
    view.dataset.status = u.status;
    // A log update's message is only "Build log": keep the step's own message instead.
    if (!(u.logLines || []).length || !el('progress-message').textContent) {
      el('progress-message').textContent = u.message;
    }
    el('status-label').textContent = u.status.replace(/_/g, ' ').toLowerCase();

    const log = el('log');
    for (const line of u.logLines || []) {
      log.append(make('li', {}, line));
      progress.lines++;
    }
    if ((u.logLines || []).length) {
      el('log-count').textContent = progress.lines + (progress.lines === 1 ? ' line' : ' lines');
      log.scrollTop = log.scrollHeight;
    }
    progress.upload = u.upload;
    if (!TERMINAL.has(u.status)) progress.lastStep = u.status;
    renderSteps(u.status);

    if (TERMINAL.has(u.status)) finish(u, ts);
  }

  function stepIndex(status) {
    return STEPS.findIndex(([s]) => s === status);
  }

  function renderSteps(status) {
    const current = status === 'SUCCESS' ? STEPS.length : stepIndex(progress.lastStep);
    const failed = TERMINAL.has(status) && status !== 'SUCCESS';
    el('steps').querySelectorAll('li').forEach((li, i) => {
      let state = 'todo';
      if (i < current) state = 'done';
      else if (i === current) state = failed ? 'failed' : 'active';
      li.dataset.state = state;
    });
    let fraction = 0;
    if (status === 'SUCCESS') fraction = 1;
    else if (current >= 0) {
      let within = 0;
      if (progress.lastStep === 'UPLOADING' && progress.upload && progress.upload.filesTotal > 0) {
        within = progress.upload.filesDone / progress.upload.filesTotal;
      } else if (progress.lastStep === 'BUILDING') {
        within = 1 - 1 / (1 + progress.lines / 6);
      }
      fraction = (current + within) / (STEPS.length - 1);
    }
    setBar(Math.min(1, fraction));
  }

  function setBar(fraction) {
    const pct = Math.round(fraction * 100);
    el('bar-fill').style.width = pct + '%';
    el('bar').setAttribute('aria-valuenow', String(pct));
  }

  function tickElapsed() {
    if (!progress || progress.firstTs === null) return;
    const end = progress.endTs !== null ? progress.endTs : Date.now();
    el('elapsed').textContent = (Math.max(0, end - progress.firstTs) / 1000).toFixed(1) + ' s';
  }

  function finish(u, ts) {
    const mine = progress;
    mine.ended = true;
    mine.es.close();
    mine.endTs = Number.isNaN(ts) ? Date.now() : ts;
    tickElapsed();
    clearInterval(mine.timer);
    setConnection('done', 'Finished');
    if (u.status === 'SUCCESS') {
      el('progress-title').textContent = 'Deployed';
      el('bar').classList.add('done');
      showUrl(u.deploymentUrl);
    } else {
      el('progress-title').textContent = u.status === 'TIMED_OUT' ? 'Timed out'
        : u.status === 'CANCELLED' ? 'Cancelled' : 'Deployment failed';
      el('bar').classList.add('failed');
      el('failure-message').textContent = (u.error && u.error.message) || u.message;
      el('failure').hidden = false;
      fetchFinal(mine);
    }
  }

  function showUrl(url) {
    if (!url || !/^https?:\/\//i.test(url)) return;
    const a = el('deployment-url');
    a.href = url;
    a.textContent = url;
    el('result').hidden = false;
  }

  async function fetchFinal(mine) {
    const r = await api('GET', '/api/deployments/' + encodeURIComponent(mine.id));
    if (progress !== mine) return;
    if (!r.ok) { banner(errorMessage(r)); return; }
    const d = r.data;
    if (!mine.ended && TERMINAL.has(d.status)) {
      // The stream ended before its terminal frame (e.g. the progress was forgotten).
      el('progress-view').dataset.status = d.status;
      mine.ended = true;
      clearInterval(mine.timer);
      setConnection('done', 'Finished');
    }
    if (d.status === 'SUCCESS') { showUrl(d.deploymentUrl); return; }
    if (!d.recoveryPlan) return;
    const plan = d.recoveryPlan;
    if (d.error) el('failure-message').textContent = d.error.message;
    el('recovery-message').textContent = plan.userMessage;
    const list = el('recovery-suggestions');
    list.replaceChildren();
    for (const s of plan.suggestions || []) list.append(make('li', {}, s));
    const alt = el('recovery-alternatives');
    alt.hidden = !(plan.alternativePlatforms || []).length;
    alt.textContent = alt.hidden ? '' : 'Or deploy to: ' + plan.alternativePlatforms.join(', ');
    const zip = el('zip-link');
    if (d.zipUrl) {
      zip.href = d.zipUrl;
      el('fallback-row').hidden = false;
    } else {
      el('fallback-row').hidden = true;
    }
    el('failure').hidden = false;
    el('failure').dataset.loaded = 'true';
  }

  // ------------------------------------------------------------------ start

  function route() {
    const m = /^#\/deployments\/([A-Za-z0-9_-]+)$/.exec(location.hash);
    if (m) {
      openProgress(decodeURIComponent(m[1]));
    } else {
      closeProgress();
      show('form');
      updateDeployButton();
    }
  }

  async function init() {
    const r = await api('GET', '/api/options');
    if (!r.ok) { banner(errorMessage(r)); show('form'); return; }
    form.options = r.data;
    const s = r.data.scaffold;
    const labels = { database: 'No database', auth: 'No auth', aiTemplate: 'No AI feature', aiProvider: 'No AI provider' };
    for (const f of SCAFFOLD_SELECTS) {
      const select = el('scaffold-' + f);
      fillSelect(select, s[f] || [], DEFAULT_SCAFFOLD[f], labels[f]);
      select.addEventListener('change', loadSchema);
    }
    fillChecks(el('scaffold-oauthProviders'), 'oauthProviders', s.oauthProviders || []);
    fillChecks(el('scaffold-services'), 'services', s.services || []);
    for (const c of document.querySelectorAll('.check-list input')) c.addEventListener('change', loadSchema);

    const platform = el('platform');
    platform.replaceChildren();
    for (const p of r.data.platforms) {
      platform.append(make('option', { value: p, selected: p === r.data.defaultPlatform }, p === 'memory' ? 'memory (in-memory, local)' : p));
    }
    const simulate = () => { el('simulate-row').hidden = platform.value !== 'memory'; };
    platform.addEventListener('change', simulate);
    simulate();
    el('project-name').addEventListener('input', updateDeployButton);
    el('deploy-form').addEventListener('submit', deploy);
    el('again').addEventListener('click', () => {
      history.pushState(null, '', location.pathname);
      route();
    });
    window.addEventListener('popstate', route);
    await loadSchema();
    route();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
