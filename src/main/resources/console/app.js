/*
 * Schakel console: the operator console's single-page front end.
 *
 * Plain ES2020, no build step, nothing loaded from outside the gateway. The server's
 * Content-Security-Policy forbids inline scripts, inline handlers and style attributes,
 * so every listener is attached here and all looks come from classes in style.css.
 * Server values are only ever written with textContent / text nodes (see el()).
 */
'use strict';

(() => {
  const API = '/console/api';
  const VIEWS = ['overview', 'transfers', 'transfer', 'failed', 'routes', 'flows', 'actions'];
  const COORDINATOR_VIEWS = ['flows'];
  const OVERVIEW_REFRESH_MS = 5000;
  const TRANSFER_PAGE_SIZE = 50;
  const CHART_COLOURS = ['#2f6f9f', '#d08c2a', '#3f8f5a', '#b5473a', '#7a5ea8', '#5f7d8c', '#c06c96', '#8a8a3c'];

  const state = {
    session: null,          // {user, role, csrfToken}
    view: null,             // the view on screen
    overviewTimer: null,
    overviewToken: 0,       // bumps on every start/stop so an old refresh loop ends
    transfers: { page: 0, query: {}, findId: '' },
    actionsPage: 0,
    discardReasons: [],
    discardTarget: null,    // {kind: 'dead-letters'|'quarantine', id}
    charts: {},
  };

  // ---------------------------------------------------------------- small helpers

  const $ = (id) => document.getElementById(id);

  /** Builds an element; strings become text nodes, never markup. */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const td = (content, cls) => el('td', { class: cls }, content ?? '–');
  const numTd = (value) => td(value === null || value === undefined ? '–' : String(value), 'num');

  function fillTable(tableId, rows, emptyText) {
    const table = $(tableId);
    const columns = table.tHead.rows[0].cells.length;
    const body = rows.length ? rows
      : [el('tr', { class: 'empty' }, el('td', { colspan: columns, text: emptyText }))];
    table.tBodies[0].replaceChildren(...body);
  }

  function toDate(iso) {
    if (!iso) return null;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  /** A <time> in local time, with the exact server value as tooltip. */
  function timeNode(iso) {
    const d = toDate(iso);
    if (!d) return document.createTextNode(iso ? String(iso) : '–');
    const text = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    return el('time', { datetime: d.toISOString(), title: String(iso) }, text);
  }

  const pad = (n) => String(n).padStart(2, '0');
  const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

  function durationText(seconds) {
    if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return '–';
    const s = Math.max(0, Math.round(Number(seconds)));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
    const d = Math.floor(h / 24);
    return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
  }

  function millisText(ms) {
    if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '–';
    const n = Number(ms);
    if (n < 0) return '–'; // JMX says -1 for a route that has not run yet
    if (n < 1000) return `${Math.round(n)} ms`;
    if (n < 60000) return `${(n / 1000).toFixed(1)} s`;
    return durationText(n / 1000);
  }

  function sizeText(bytes) {
    if (bytes === null || bytes === undefined || !Number.isFinite(Number(bytes))) return '–';
    const n = Number(bytes);
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
  }

  const BAD = new Set(['FAILED', 'REJECTED', 'DECLINED', 'DISCARDED', 'DOWN', 'STOPPED']);
  const WARN = new Set(['DUPLICATE', 'RETRIED', 'SUSPENDED', 'QUARANTINED']);
  const GOOD = new Set(['ACCEPTED', 'ACKNOWLEDGED', 'UP', 'STARTED']);

  function badge(text, tone) {
    const key = String(text ?? '').toUpperCase();
    const t = tone || (BAD.has(key) ? 'bad' : WARN.has(key) ? 'warn' : GOOD.has(key) ? 'good' : 'neutral');
    return el('span', { class: `badge badge-${t}` }, text ?? '–');
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, message, data) {
      super(message);
      this.status = status;
      this.data = data;
    }
  }

  /** The one way this page talks to the gateway. */
  async function api(method, path, body) {
    const options = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
      options.headers['Content-Type'] = 'application/json';
      if (path !== '/login' && state.session) options.headers['X-CSRF-Token'] = state.session.csrfToken;
      options.body = JSON.stringify(body ?? {});
    }
    let response;
    try {
      response = await fetch(API + path, options);
    } catch (e) {
      throw new ApiError(0, 'The gateway cannot be reached.', null);
    }
    let data = null;
    if (response.status !== 204) {
      const text = await response.text();
      if (text) {
        try { data = JSON.parse(text); } catch (e) { data = null; }
      }
    }
    if (response.ok) return data;

    let message = data && typeof data.error === 'string' && data.error
      ? data.error : `The gateway answered ${response.status}.`;
    if (response.status === 401 && path !== '/login') {
      showLogin();
    } else if (response.status === 403) {
      message = 'Not allowed for your role';
    }
    throw new ApiError(response.status, message, data);
  }

  // ---------------------------------------------------------------- flash

  function flash(kind, message, items = [], extra = null) {
    const box = $('flash');
    const list = items && items.length ? el('ul', {}, items.map((item) => el('li', { text: item }))) : null;
    box.replaceChildren(...[el('span', { class: 'flash-message' }, message), extra, list].filter(Boolean));
    box.className = `flash ${kind === 'ok' ? 'ok' : 'error'}`;
    box.setAttribute('role', kind === 'ok' ? 'status' : 'alert');
    box.hidden = false;
  }

  function reportError(error) {
    if (error instanceof ApiError && error.status === 401) return; // the login form is already shown
    const problems = error && error.data && Array.isArray(error.data.problems) ? error.data.problems : [];
    flash('error', (error && error.message) || 'Something went wrong.', problems);
  }

  /** Runs a view's loader, marking the view busy and reporting errors into #flash. */
  async function load(view, work) {
    const section = $(`view-${view}`);
    section.setAttribute('aria-busy', 'true');
    try {
      await work();
    } catch (error) {
      reportError(error);
    } finally {
      section.removeAttribute('aria-busy');
    }
  }

  /** Posts an operator action from a button, shows the answer, then reloads. */
  async function act(button, path, body, after) {
    button.disabled = true;
    try {
      const answer = await api('POST', path, body ?? {});
      flash('ok', (answer && answer.message) || 'Done.');
      if (after) await after(answer);
    } catch (error) {
      reportError(error);
    } finally {
      button.disabled = false;
    }
  }

  function actionButton(label, cls, onClick, title) {
    return el('button', { type: 'button', class: `small ${cls}`, title, onclick: (e) => onClick(e.currentTarget) }, label);
  }

  // ---------------------------------------------------------------- session

  function showLogin() {
    state.session = null;
    stopOverview();
    state.view = null;
    for (const view of VIEWS) $(`view-${view}`).hidden = true;
    const dialog = $('discard-dialog');
    if (dialog.open) dialog.close();
    $('nav').hidden = true;
    $('session-box').hidden = true;
    $('flash').hidden = true;
    $('login-password').value = '';
    $('view-login').hidden = false;
    $('login-user').focus();
  }

  function startSession(session) {
    state.session = session;
    $('current-user').textContent = session.user;
    $('current-role').textContent = session.role;
    $('session-box').hidden = false;
    const allowed = allowedViews();
    for (const link of document.querySelectorAll('#nav a[data-view]')) {
      link.parentElement.hidden = !allowed.includes(link.dataset.view);
    }
    $('nav').hidden = false;
    $('view-login').hidden = true;
    $('login-error').hidden = true;
    route();
  }

  function allowedViews() {
    return state.session && state.session.role === 'operator' ? VIEWS : COORDINATOR_VIEWS;
  }

  async function onLogin(event) {
    event.preventDefault();
    const error = $('login-error');
    const submit = $('login-submit');
    error.hidden = true;
    submit.disabled = true;
    try {
      const session = await api('POST', '/login', { user: $('login-user').value, password: $('login-password').value });
      $('login-password').value = '';
      startSession(session);
    } catch (e) {
      error.textContent = e.message || 'Logging in failed.';
      error.hidden = false;
      $('login-password').focus();
    } finally {
      submit.disabled = false;
    }
  }

  async function onLogout() {
    try {
      await api('POST', '/logout', {});
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) { reportError(e); return; }
    }
    showLogin();
  }

  // ---------------------------------------------------------------- routing

  function parseHash() {
    const raw = location.hash.replace(/^#/, '');
    if (raw.startsWith('transfer/')) {
      let id = raw.slice('transfer/'.length);
      try { id = decodeURIComponent(id); } catch (e) { /* keep it as typed */ }
      return { view: 'transfer', id };
    }
    return { view: raw, id: null };
  }

  function route() {
    if (!state.session) return;
    const allowed = allowedViews();
    let { view, id } = parseHash();
    if (view === 'transfer' && !id) view = 'transfers';
    if (!allowed.includes(view)) view = allowed[0];
    const wanted = view === 'transfer' ? `#transfer/${encodeURIComponent(id)}` : `#${view}`;
    if (location.hash !== wanted) history.replaceState(null, '', wanted);
    showView(view, id);
  }

  const LOADERS = {
    overview: () => startOverview(),
    transfers: () => load('transfers', loadTransfers),
    transfer: (id) => load('transfer', () => loadTransfer(id)),
    failed: () => load('failed', loadFailed),
    routes: () => load('routes', loadRoutes),
    flows: () => load('flows', loadFlows),
    actions: () => load('actions', loadActions),
  };

  function showView(view, id) {
    stopOverview();
    state.view = view;
    for (const v of VIEWS) $(`view-${v}`).hidden = v !== view;
    const navView = view === 'transfer' ? 'transfers' : view;
    for (const link of document.querySelectorAll('#nav a[data-view]')) {
      if (link.dataset.view === navView) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const label = $(`nav-${navView}`);
    document.title = `${label ? label.textContent : 'Transfer'} · Schakel console`;
    LOADERS[view](id);
  }

  // ---------------------------------------------------------------- overview

  /** Loads the overview now and every few seconds while it is on screen and the tab is visible. */
  function startOverview() {
    stopOverview();
    const token = ++state.overviewToken;
    const tick = async () => {
      const section = $('view-overview');
      section.setAttribute('aria-busy', 'true');
      try {
        await loadOverview();
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) reportError(error);
        else if (!(error instanceof ApiError && error.status === 401)) {
          // A failing refresh is not an operator action: say so here, leave #flash alone.
          const updated = $('overview-updated');
          updated.textContent = `update failed at ${clock(new Date())}: ${error.message}`;
          updated.className = 'error-text';
        }
      } finally {
        section.removeAttribute('aria-busy');
      }
      if (token === state.overviewToken && state.view === 'overview' && !document.hidden) {
        state.overviewTimer = setTimeout(tick, OVERVIEW_REFRESH_MS);
      }
    };
    tick();
  }

  function stopOverview() {
    state.overviewToken++;
    if (state.overviewTimer) clearTimeout(state.overviewTimer);
    state.overviewTimer = null;
  }

  async function loadOverview() {
    renderOverview(await api('GET', '/overview'));
  }

  function renderOverview(o) {
    const health = o.health || {};
    const up = health.status === 'UP';
    const status = $('health-status');
    status.textContent = health.status || 'UNKNOWN';
    status.className = `card-value health ${up ? 'status-up' : 'status-down'}`;
    $('health-problems').replaceChildren(...(health.problems || []).map((p) => el('li', { text: p })));
    setCounter('count-dead-letters', o.deadLetters);
    setCounter('count-quarantined', o.quarantined);

    fillTable('overview-routes-table', (o.routes || []).map((r) => el('tr', { dataset: { id: r.id } },
      td(r.id, 'mono'),
      td(routeState(r)),
      numTd(r.exchangesTotal),
      el('td', { class: `num${r.exchangesFailed > 0 ? ' text-bad' : ''}` }, String(r.exchangesFailed ?? '–')),
      numTd(r.exchangesInflight),
      td(millisText(r.meanTimeMs), 'num'),
      td(millisText(r.maxTimeMs), 'num'),
      td(r.lastFailureAt ? timeNode(r.lastFailureAt) : '–'),
      td(r.heldBecause || '–'),
    )), 'No routes.');

    fillTable('overview-institutions-table', (o.institutions || []).map((i) => el('tr', { dataset: { id: i.code } },
      td(i.code, 'mono'),
      td(i.name),
      td(i.channel),
      numTd(i.inboxFiles),
      numTd(i.waitingMessages),
      td(waitingNode(i)),
      td(intakeState(i)),
    )), 'No institutions.');

    const at = toDate(o.generatedAt) || new Date();
    const updated = $('overview-updated');
    updated.textContent = `updated ${clock(at)}`;
    updated.className = 'muted';
  }

  function setCounter(id, value) {
    const node = $(id);
    node.textContent = String(value ?? 0);
    node.className = `card-value${Number(value) > 0 ? ' text-bad' : ''}`;
  }

  function routeState(r) {
    const parts = [badge(r.state)];
    if (r.suspendedByOperator) parts.push(' ', badge('suspended by operator', 'warn'));
    return el('span', {}, parts);
  }

  function intakeState(i) {
    return i.intakeSuspended ? badge('suspended', 'warn') : badge('open', 'good');
  }

  function waitingNode(i) {
    if (i.oldestWaitingSeconds === null || i.oldestWaitingSeconds === undefined) return '–';
    const d = toDate(i.oldestWaitingAt);
    return el('span', { title: d ? d.toLocaleString() : null }, durationText(i.oldestWaitingSeconds));
  }

  // ---------------------------------------------------------------- transfers

  function readFilters() {
    const query = {};
    const status = $('filter-status').value;
    if (status) query.status = status;
    for (const [key, id] of [['sender', 'filter-sender'], ['receiver', 'filter-receiver'], ['documentType', 'filter-document-type']]) {
      const value = $(id).value.trim();
      if (value) query[key] = value;
    }
    for (const [key, id] of [['from', 'filter-from'], ['until', 'filter-until']]) {
      const value = $(id).value;
      if (!value) continue;
      const d = new Date(value); // datetime-local is read as local time
      if (Number.isNaN(d.getTime())) throw new Error(`"${$(id).labels[0].textContent}" is not a valid time.`);
      query[key] = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    return query;
  }

  async function loadTransfers() {
    const t = state.transfers;
    const params = new URLSearchParams();
    if (t.findId) {
      params.set('id', t.findId);
    } else {
      for (const [key, value] of Object.entries(t.query)) params.set(key, value);
      params.set('page', String(t.page));
      params.set('size', String(TRANSFER_PAGE_SIZE));
    }
    renderTransfers(await api('GET', `/transfers?${params}`));
  }

  function openTransfer(id) {
    location.hash = `#transfer/${encodeURIComponent(id)}`;
  }

  function renderTransfers(answer) {
    const items = answer.items || [];
    fillTable('transfers-table', items.map((t) => el('tr', { dataset: { id: t.transferId } },
      td(el('a', { href: `#transfer/${encodeURIComponent(t.transferId)}`, class: 'mono' }, t.transferId)),
      td(t.sender, 'mono'),
      td(t.receiver, 'mono'),
      td(t.documentType),
      td(t.transitionKind),
      td(t.channel),
      td(badge(t.status)),
      td(timeNode(t.receivedAt)),
      td(timeNode(t.updatedAt)),
      td(sizeText(t.sizeBytes), 'num'),
      td(actionButton('Open', 'open', () => openTransfer(t.transferId), `Open transfer ${t.transferId}`)),
    )), state.transfers.findId ? 'No transfer or message with that id.' : 'No transfers match.');

    const finding = Boolean(state.transfers.findId);
    const page = Number(answer.page ?? 0);
    const size = Number(answer.size ?? items.length);
    const total = Number(answer.total ?? items.length);
    state.transfers.page = page;
    let info;
    if (finding) info = `${items.length} found for “${state.transfers.findId}”`;
    else if (!total) info = 'No transfers';
    else info = `${page * size + 1}–${page * size + items.length} of ${total}`;
    $('page-info').textContent = info;
    $('page-prev').disabled = finding || page <= 0;
    $('page-next').disabled = finding || (page + 1) * size >= total;
  }

  function onFind(event) {
    event.preventDefault();
    state.transfers.findId = $('find-id').value.trim();
    state.transfers.page = 0;
    load('transfers', loadTransfers);
  }

  function onFilter(event) {
    event.preventDefault();
    try {
      state.transfers.query = readFilters();
    } catch (e) {
      flash('error', e.message);
      return;
    }
    state.transfers.findId = '';
    $('find-id').value = '';
    state.transfers.page = 0;
    load('transfers', loadTransfers);
  }

  function turnPage(delta) {
    state.transfers.page = Math.max(0, state.transfers.page + delta);
    load('transfers', loadTransfers);
  }

  // ---------------------------------------------------------------- one transfer

  async function loadTransfer(id) {
    $('transfer-title').textContent = id;
    $('transfer-details').replaceChildren();
    fillTable('timeline-table', [], 'Loading…');
    try {
      renderTransfer(await api('GET', `/transfers/${encodeURIComponent(id)}`));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fillTable('timeline-table', [], 'No such transfer.');
        flash('error', e.data && e.data.error ? e.data.error : `No transfer with id ${id}.`);
        return;
      }
      throw e;
    }
  }

  function renderTransfer(answer) {
    const t = answer.transfer || {};
    const fields = [
      ['Transfer id', el('span', { class: 'mono' }, t.transferId ?? '–')],
      ['Message id', el('span', { class: 'mono' }, t.messageId ?? '–')],
      ['Sender', t.sender],
      ['Receiver', t.receiver],
      ['Document type', t.documentType],
      ['Transition kind', t.transitionKind],
      ['Channel', t.channel],
      ['Status', badge(t.status)],
      ['Received', timeNode(t.receivedAt)],
      ['Updated', timeNode(t.updatedAt)],
      ['Size', sizeText(t.sizeBytes)],
    ];
    $('transfer-details').replaceChildren(...fields.flatMap(([label, value]) =>
      [el('dt', { text: label }), el('dd', {}, value ?? '–')]));
    fillTable('timeline-table', (answer.timeline || []).map((step, index) => el('tr', { dataset: { id: String(index) } },
      td(badge(step.status)),
      td(timeNode(step.at)),
      td(step.actor),
      td(step.detail),
    )), 'No timeline entries.');
  }

  // ---------------------------------------------------------------- failed work

  async function loadFailed() {
    renderFailed(await api('GET', '/failed'));
  }

  function renderFailed(answer) {
    state.discardReasons = answer.discardReasons || [];
    fillTable('dead-letters-table', (answer.deadLetters || []).map((d) => el('tr', { dataset: { id: d.id } },
      td(d.id, 'mono'),
      td(d.queue, 'mono'),
      td(d.originalQueue, 'mono'),
      td(d.transferId ? el('a', { href: `#transfer/${encodeURIComponent(d.transferId)}`, class: 'mono' }, d.transferId) : '–'),
      td(d.messageId, 'mono'),
      td(d.type),
      td(d.sender, 'mono'),
      td(d.receiver, 'mono'),
      td(timeNode(d.deadLetteredAt)),
      td(d.reason || '–', 'reason'),
      td(el('span', { class: 'row-actions' },
        actionButton('Retry', 'retry', (b) => act(b, `/dead-letters/${encodeURIComponent(d.id)}/retry`, {}, reloadFailed), `Retry dead letter ${d.id}`),
        actionButton('Discard', 'discard danger', () => askDiscard('dead-letters', d.id), `Discard dead letter ${d.id}`))),
    )), 'No dead letters.');

    fillTable('quarantine-table', (answer.quarantine || []).map((q) => el('tr', { dataset: { id: q.id } },
      td(q.id, 'mono'),
      td(q.institution, 'mono'),
      td(q.receiptId, 'mono'),
      td(timeNode(q.keptAt)),
      td(sizeText(q.sizeBytes), 'num'),
      td(badge(q.status)),
      td((q.errorCodes || []).join(', ') || '–', 'mono'),
      td(el('span', { class: 'row-actions' },
        actionButton('Retry', 'retry', (b) => retryQuarantine(b, q.id), `Retry quarantined delivery ${q.id}`),
        actionButton('Discard', 'discard danger', () => askDiscard('quarantine', q.id), `Discard quarantined delivery ${q.id}`))),
    )), 'Nothing in quarantine.');
  }

  const reloadFailed = () => load('failed', loadFailed);

  async function retryQuarantine(button, id) {
    button.disabled = true;
    try {
      const answer = await api('POST', `/quarantine/${encodeURIComponent(id)}/retry`, {});
      const parts = [answer.message || 'Retried.'];
      if (answer.outcome) parts.push(`Outcome: ${answer.outcome}.`);
      const link = answer.transferId
        ? el('a', { href: `#transfer/${encodeURIComponent(answer.transferId)}`, class: 'flash-link' }, `Open transfer ${answer.transferId}`)
        : null;
      flash('ok', parts.join(' '), [], link);
      await reloadFailed();
    } catch (e) {
      reportError(e);
    } finally {
      button.disabled = false;
    }
  }

  function askDiscard(kind, id) {
    state.discardTarget = { kind, id };
    $('discard-target').textContent = id;
    const select = $('discard-reason');
    const options = state.discardReasons.map((r) => el('option', { value: r.code }, r.label || r.code));
    select.replaceChildren(el('option', { value: '' }, options.length ? 'Choose a reason…' : 'No reasons available'), ...options);
    select.value = '';
    $('discard-confirm').disabled = !options.length;
    $('discard-error').hidden = true;
    $('discard-dialog').showModal();
    select.focus();
  }

  async function onDiscardConfirm(event) {
    event.preventDefault();
    const target = state.discardTarget;
    const reason = $('discard-reason').value;
    if (!target) { $('discard-dialog').close(); return; }
    if (!reason) {
      $('discard-error').hidden = false;
      $('discard-reason').focus();
      return;
    }
    const button = $('discard-confirm');
    $('discard-dialog').close();
    state.discardTarget = null;
    await act(button, `/${target.kind}/${encodeURIComponent(target.id)}/discard`, { reason }, reloadFailed);
  }

  function onDiscardCancel() {
    state.discardTarget = null;
    $('discard-dialog').close();
  }

  // ---------------------------------------------------------------- routes, institutions, directory

  async function loadRoutes() {
    const [overview, directory] = await Promise.all([api('GET', '/overview'), api('GET', '/directory')]);
    renderRoutes(overview);
    renderDirectory(directory);
  }

  const reloadRoutes = () => load('routes', loadRoutes);

  function renderRoutes(o) {
    fillTable('routes-table', (o.routes || []).map((r) => {
      const path = `/routes/${encodeURIComponent(r.id)}`;
      const button = r.suspendedByOperator
        ? actionButton('Resume', 'resume', (b) => act(b, `${path}/resume`, {}, reloadRoutes), `Resume route ${r.id}`)
        : actionButton('Suspend', 'suspend', (b) => act(b, `${path}/suspend`, {}, reloadRoutes), `Suspend route ${r.id}`);
      return el('tr', { dataset: { id: r.id } },
        td(r.id, 'mono'),
        td(routeState(r)),
        td(r.heldBecause || '–'),
        td(button));
    }), 'No routes.');

    fillTable('institutions-table', (o.institutions || []).map((i) => {
      const path = `/institutions/${encodeURIComponent(i.code)}`;
      const button = i.intakeSuspended
        ? actionButton('Resume intake', 'resume', (b) => act(b, `${path}/resume`, {}, reloadRoutes), `Resume intake from ${i.code}`)
        : actionButton('Suspend intake', 'suspend', (b) => act(b, `${path}/suspend`, {}, reloadRoutes), `Suspend intake from ${i.code}`);
      return el('tr', { dataset: { id: i.code } },
        td(i.code, 'mono'),
        td(i.name),
        td(i.kind),
        td(i.region),
        td(i.channel),
        td(i.format),
        numTd(i.inboxFiles),
        numTd(i.waitingMessages),
        td(waitingNode(i)),
        td(intakeState(i)),
        td(button));
    }), 'No institutions.');
  }

  function renderDirectory(d) {
    const source = $('directory-source');
    source.replaceChildren('Loaded from ', el('span', { class: 'mono' }, d.source ?? '–'), ' at ', timeNode(d.loadedAt), '.');
    fillTable('directory-table', (d.institutions || []).map((i) => el('tr', { dataset: { id: i.code } },
      td(i.code, 'mono'), td(i.name), td(i.kind), td(i.region), td(i.channel), td(i.format),
    )), 'The directory lists no institutions.');
    fillTable('agreements-table', (d.agreements || []).map((a) => el('tr', { dataset: { id: a.name } },
      td(a.name),
      td((a.between || [])[0], 'mono'),
      td((a.between || [])[1], 'mono'),
    )), 'No agreements.');
  }

  async function onDirectoryReload(event) {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const answer = await api('POST', '/directory/reload', {});
      const changes = answer.changes || [];
      flash('ok', answer.message || 'Directory reloaded.', changes.length ? changes : ['No changes.']);
      await reloadRoutes();
    } catch (e) {
      reportError(e); // a 422 lists its problems
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- flows

  const monthOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;

  function defaultFlowRange() {
    const now = new Date();
    return [monthOf(new Date(now.getFullYear(), now.getMonth() - 11, 1)), monthOf(now)];
  }

  function monthsBetween(from, to) {
    const [fy, fm] = String(from).split('-').map(Number);
    const [ty, tm] = String(to).split('-').map(Number);
    const months = [];
    if (![fy, fm, ty, tm].every(Number.isFinite)) return months;
    for (let y = fy, m = fm; (y < ty || (y === ty && m <= tm)) && months.length < 600; m === 12 ? (y++, m = 1) : m++) {
      months.push(`${y}-${pad(m)}`);
    }
    return months;
  }

  function flowQuery() {
    return new URLSearchParams({ from: $('flows-from').value, to: $('flows-to').value }).toString();
  }

  function updateCsvLink() {
    $('flows-csv').href = `${API}/flows.csv?${flowQuery()}`;
  }

  async function loadFlows() {
    if (!$('flows-from').value || !$('flows-to').value) {
      const [from, to] = defaultFlowRange();
      $('flows-from').value = from;
      $('flows-to').value = to;
    }
    updateCsvLink();
    if ($('flows-from').value > $('flows-to').value) {
      flash('error', 'The first month comes after the last month.');
      return;
    }
    renderFlows(await api('GET', `/flows?${flowQuery()}`));
  }

  function onFlowsSubmit(event) {
    event.preventDefault();
    load('flows', loadFlows);
  }

  function addTo(map, key, inner, count) {
    if (!map.has(key)) map.set(key, new Map());
    const m = map.get(key);
    m.set(inner, (m.get(inner) || 0) + count);
  }

  function renderFlows(answer) {
    const figures = answer.figures || [];
    const smallest = answer.smallestShownCount ?? 5;
    const byMonth = new Map();
    const byRegion = new Map();
    const byKind = new Map();
    const outcomes = new Set();
    let suppressed = 0;

    for (const f of figures) {
      const text = String(f.count ?? '').trim();
      if (!/^\d+$/.test(text)) { suppressed++; continue; }
      const count = Number(text);
      outcomes.add(f.outcome);
      addTo(byMonth, f.month, f.outcome, count);
      addTo(byRegion, `${f.fromRegion} → ${f.toRegion}`, 'total', count);
      addTo(byKind, `${f.fromKind} → ${f.toKind}`, f.outcome, count);
    }

    $('flows-suppressed').textContent = suppressed
      ? `${suppressed} ${suppressed === 1 ? 'cell has' : 'cells have'} fewer than ${smallest} transitions; ${suppressed === 1 ? 'it is' : 'they are'} shown as “<${smallest}” and left out of the charts and sums.`
      : 'No cells were suppressed.';

    const outcomeList = [...outcomes].sort();
    const months = monthsBetween(answer.from || $('flows-from').value, answer.to || $('flows-to').value);
    for (const m of byMonth.keys()) if (!months.includes(m)) months.push(m);
    months.sort();

    drawChart('chart-months', figures.length && outcomeList.length ? {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', minInterval: 1 },
      series: outcomeList.map((o) => ({
        name: o, type: 'bar', stack: 'total',
        data: months.map((m) => (byMonth.get(m) && byMonth.get(m).get(o)) || 0),
      })),
    } : null);

    const regions = [...byRegion.entries()].map(([k, m]) => [k, m.get('total')]).sort((a, b) => a[1] - b[1]);
    drawChart('chart-regions', regions.length ? {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: regions.map((r) => r[0]) },
      series: [{ name: 'Transitions', type: 'bar', data: regions.map((r) => r[1]), label: { show: true, position: 'right' } }],
    } : null);

    const kinds = [...byKind.keys()].sort().reverse();
    drawChart('chart-kinds', kinds.length ? {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: kinds },
      series: outcomeList.map((o) => ({
        name: o, type: 'bar', stack: 'total',
        data: kinds.map((k) => byKind.get(k).get(o) || 0),
      })),
    } : null);

    fillTable('flows-table', figures.map((f) => el('tr', {
      dataset: { id: [f.month, f.fromRegion, f.fromKind, f.toRegion, f.toKind, f.outcome].join('/') },
      class: /^\d+$/.test(String(f.count ?? '').trim()) ? null : 'suppressed',
    },
      td(f.month, 'mono'), td(f.fromRegion), td(f.fromKind), td(f.toRegion), td(f.toKind), td(f.outcome),
      td(String(f.count ?? '–'), 'num'),
    )), 'No transitions in this period.');
  }

  function drawChart(id, option) {
    const box = $(id);
    if (typeof window.echarts === 'undefined') {
      box.replaceChildren(el('p', { class: 'chart-note', text: 'Charts are not available; the table below has the figures.' }));
      return;
    }
    const chart = window.echarts.getInstanceByDom(box) || window.echarts.init(box);
    state.charts[id] = chart;
    const base = { color: CHART_COLOURS, aria: { enabled: true }, textStyle: { fontFamily: 'inherit' }, animation: false };
    chart.setOption(option ? { ...base, ...option } : {
      ...base,
      title: { text: 'No figures to show', left: 'center', top: 'middle', textStyle: { color: '#5a6472', fontSize: 14, fontWeight: 'normal' } },
    }, true);
    chart.resize();
  }

  function resizeCharts() {
    if (state.view !== 'flows') return;
    for (const chart of Object.values(state.charts)) chart.resize();
  }

  // ---------------------------------------------------------------- operator actions

  async function loadActions() {
    renderActions(await api('GET', `/actions?page=${encodeURIComponent(state.actionsPage)}`));
  }

  function renderActions(answer) {
    const items = answer.items || [];
    const page = Number(answer.page ?? 0);
    const size = Number(answer.size ?? items.length);
    const total = Number(answer.total ?? items.length);
    state.actionsPage = page;
    fillTable('actions-table', items.map((a, index) => el('tr', { dataset: { id: String(page * size + index) } },
      td(timeNode(a.at)),
      td(a.operator),
      td(a.action),
      td(a.target, 'mono'),
      td(a.reason || '–'),
    )), 'No operator actions yet.');
    $('actions-info').textContent = total ? `${page * size + 1}–${page * size + items.length} of ${total}` : 'No actions';
    $('actions-prev').disabled = page <= 0;
    $('actions-next').disabled = (page + 1) * size >= total;
  }

  function turnActionsPage(delta) {
    state.actionsPage = Math.max(0, state.actionsPage + delta);
    load('actions', loadActions);
  }

  // ---------------------------------------------------------------- start

  function wire() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', onLogout);
    // a new screen starts without the last action's message
    window.addEventListener('hashchange', () => { $('flash').hidden = true; route(); });
    for (const link of document.querySelectorAll('#nav a[data-view]')) {
      // Clicking the tab that is already open reloads it (no hashchange fires then).
      link.addEventListener('click', () => { if (location.hash === link.getAttribute('href')) route(); });
    }
    $('find-form').addEventListener('submit', onFind);
    $('filter-form').addEventListener('submit', onFilter);
    $('page-prev').addEventListener('click', () => turnPage(-1));
    $('page-next').addEventListener('click', () => turnPage(1));
    $('discard-form').addEventListener('submit', onDiscardConfirm);
    $('discard-cancel').addEventListener('click', onDiscardCancel);
    $('discard-dialog').addEventListener('cancel', () => { state.discardTarget = null; });
    $('discard-reason').addEventListener('change', () => { $('discard-error').hidden = true; });
    $('directory-reload').addEventListener('click', onDirectoryReload);
    $('flows-form').addEventListener('submit', onFlowsSubmit);
    $('flows-from').addEventListener('input', updateCsvLink);
    $('flows-to').addEventListener('input', updateCsvLink);
    $('actions-prev').addEventListener('click', () => turnActionsPage(-1));
    $('actions-next').addEventListener('click', () => turnActionsPage(1));
    window.addEventListener('resize', resizeCharts);
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) stopOverview();
      else if (state.view === 'overview') startOverview();
    });
  }

  async function start() {
    wire();
    try {
      startSession(await api('GET', '/session'));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        showLogin();
        reportError(e);
      }
    }
  }

  start();
})();
