// The operator dashboard: tenants (filters, sort, cursor pages, all in the URL), a tenant's
// page (members, roles, invitations, configuration, domains, usage, audit log, provisioning,
// suspend/activate/reprovision), the job queue, and live updates from GET /v1/admin/events.
// Plain ES modules served by tenantd; every control is a native, labelled element.
import { api, qs, token, OperatorEvents } from './api.js';
import { h, badge, when, field, select } from './dom.js';
import { loadUsage } from './usage.js';

const STATUSES = ['pending', 'provisioning', 'active', 'suspended', 'inactive', 'failed', 'deleted'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const SORTS = [['-created_at', 'Newest first'], ['created_at', 'Oldest first'], ['name', 'Name A–Z'],
  ['-name', 'Name Z–A'], ['slug', 'Slug A–Z'], ['-slug', 'Slug Z–A']];
const JOB_STATES = ['queued', 'running', 'completed', 'failed'];

const $ = (id) => document.getElementById(id);
let events = null;
let refreshTimer = null;

function params() { return new URL(location.href).searchParams; }

function go(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  render({ focus: true });
}

function link(href, text, attrs = {}) {
  return h('a', { href, 'data-spa': true, ...attrs }, text);
}

function toast(text) {
  const t = $('toast');
  t.textContent = text;
  setTimeout(() => { if (t.textContent === text) t.textContent = ''; }, 4000);
}

function problemText(e) { return e.code ? `${e.message} (${e.code})` : String(e.message || e); }

// ---- sign-in ----------------------------------------------------------------------------------

function showSignIn(message) {
  if (events) { events.stop(); events = null; }
  token.clear();
  $('nav').hidden = true;
  $('sign-out').hidden = true;
  $('live').hidden = true;
  $('view').replaceChildren();
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
  $('token').focus();
}

async function signIn(ev) {
  ev.preventDefault();
  const t = $('token').value.trim();
  if (!t) return;
  token.set(t);
  try {
    // an operator may list tenants; anyone else is refused here, before the dashboard opens
    await api('GET', '/v1/tenants' + qs({ limit: 1 }));
  } catch (e) {
    $('token').value = '';
    showSignIn('Sign-in refused: ' + problemText(e));
    return;
  }
  $('token').value = '';
  go('/admin?view=tenants', { replace: true });
}

// ---- live updates -----------------------------------------------------------------------------

function startEvents() {
  if (events) return;
  const live = $('live');
  live.hidden = false;
  events = new OperatorEvents(onEvent, (up) => {
    live.textContent = up ? 'Live updates: on' : 'Live updates: reconnecting';
    live.classList.toggle('down', !up);
  });
  events.start();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => render({ focus: false }), 250);
}

function onEvent(ev) {
  if (!ev.json || ev.event === 'ready') return;
  const view = params().get('view') || 'tenants';
  const tenantId = ev.json.tenant_id;
  if (view === 'tenants' && ev.event === 'tenant.status') {
    const row = document.querySelector(`tr[data-tenant-id="${CSS.escape(tenantId || '')}"]`);
    if (row) {
      row.querySelector('.status-cell').replaceChildren(badge(ev.json.data.status));
    } else {
      scheduleRefresh();  // a tenant this page does not show yet (a new sign-up)
    }
  } else if (view === 'tenant' && tenantId && tenantId === params().get('id')) {
    scheduleRefresh();
  } else if (view === 'jobs' && ev.event === 'job.state') {
    scheduleRefresh();
  }
}

// ---- views ------------------------------------------------------------------------------------

async function tenantsView() {
  const p = params();
  const f = { status: p.get('status') || '', plan: p.get('plan') || '', q: p.get('q') || '',
    sort: p.get('sort') || '-created_at', cursor: p.get('cursor') || '' };
  const form = h('form', { class: 'filters card', 'aria-label': 'Filter and sort tenants' },
    field('Status', select('f-status', [['', 'Any status'], ...STATUSES.map((s) => [s, s])], f.status)),
    field('Plan', select('f-plan', [['', 'Any plan'], ...PLANS.map((s) => [s, s])], f.plan)),
    field('Search name or slug', h('input', { id: 'f-q', name: 'q', type: 'search', value: f.q })),
    field('Sort', select('f-sort', SORTS, f.sort)),
    h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go('/admin' + qs({ view: 'tenants', status: $('f-status').value, plan: $('f-plan').value,
      q: $('f-q').value.trim(), sort: $('f-sort').value }));
  });
  // a changed select applies at once; the search field on Enter or Apply
  for (const id of ['f-status', 'f-plan', 'f-sort']) form.querySelector('#' + id).addEventListener('change', () => form.requestSubmit());

  const data = await api('GET', '/v1/tenants' + qs({ limit: 10, status: f.status, plan: f.plan, q: f.q, sort: f.sort, cursor: f.cursor }));
  const rows = data.data.map((t) => h('tr', { 'data-tenant-id': t.id },
    h('td', {}, link('/admin' + qs({ view: 'tenant', id: t.id }), t.name)),
    h('td', {}, t.slug),
    h('td', { class: 'status-cell' }, badge(t.status)),
    h('td', {}, t.plan),
    h('td', {}, when(t.created_at))));
  const base = { view: 'tenants', status: f.status, plan: f.plan, q: f.q, sort: f.sort };
  const pager = h('nav', { class: 'pager', 'aria-label': 'Tenant pages' },
    f.cursor ? link('/admin' + qs(base), 'First page') : null,
    data.next_cursor ? link('/admin' + qs({ ...base, cursor: data.next_cursor }), 'Next page', { rel: 'next' }) : h('span', { class: 'muted' }, 'No more tenants'));
  const table = h('table', { id: 'tenants' },
    h('caption', {}, `${data.data.length} tenant(s) on this page`),
    h('thead', {}, h('tr', {}, ['Name', 'Slug', 'Status', 'Plan', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 5 }, 'No tenant matches these filters.'))));
  return [h('h1', { tabindex: -1 }, 'Tenants'), form, h('div', { class: 'card' }, table, pager)];
}

function section(title, body) {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), body);
}

// One section filled from one API call; a refusal shows in the section, not as a broken page.
async function loaded(title, fn) {
  try {
    return section(title, await fn());
  } catch (e) {
    return section(title, h('p', { class: 'error' }, problemText(e)));
  }
}

function simpleTable(caption, cols, items) {
  if (!items.length) return h('p', { class: 'muted' }, 'None.');
  return h('table', {}, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, cols.map(([label]) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, items.map((it) => h('tr', {}, cols.map(([, f]) => h('td', {}, f(it)))))));
}

async function tenantView() {
  const id = params().get('id') || '';
  const t = `/v1/tenants/${encodeURIComponent(id)}`;
  const [tenant, status] = await Promise.all([api('GET', t), api('GET', `/v1/tenant-status/${encodeURIComponent(id)}`)]);

  const reason = h('input', { id: 'suspend-reason', name: 'reason', type: 'text', maxlength: 500 });
  const act = async (path, body, done) => {
    try {
      await api('POST', t + path, body);
      toast(done);
      await render({ focus: false });
    } catch (e) {
      toast('Refused: ' + problemText(e));
    }
  };
  const actions = h('div', { class: 'actions' });
  if (tenant.status === 'active') {
    actions.append(field('Suspension reason', reason),
      h('button', { type: 'button', class: 'danger', id: 'suspend', onclick: () => act('/suspend', { reason: reason.value.trim() || 'suspended by an operator' }, 'Tenant suspended') }, 'Suspend tenant'));
  }
  if (tenant.status === 'suspended' || tenant.status === 'inactive') {
    actions.append(h('button', { type: 'button', class: 'primary', id: 'activate', onclick: () => act('/activate', undefined, 'Tenant activated') }, 'Activate tenant'));
  }
  if (['failed', 'pending', 'provisioning'].includes(tenant.status) || ['failed', 'retrying'].includes(status.provisioning_status)) {
    actions.append(h('button', { type: 'button', id: 'reprovision', onclick: () => act('/reprovision', undefined, 'Provisioning queued again') }, 'Retry provisioning'));
  }

  const overview = section('Overview', h('div', {},
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { id: 'tenant-status' }, badge(tenant.status)),
      h('dt', {}, 'Reason'), h('dd', {}, tenant.status_reason || '—'),
      h('dt', {}, 'Slug'), h('dd', {}, tenant.slug),
      h('dt', {}, 'Plan'), h('dd', {}, tenant.plan),
      h('dt', {}, 'Created'), h('dd', {}, when(tenant.created_at)),
      h('dt', {}, 'Activated'), h('dd', {}, when(tenant.activated_at)),
      h('dt', {}, 'Suspended'), h('dd', {}, when(tenant.suspended_at))),
    actions));
  const provisioning = section('Provisioning', h('dl', { class: 'facts' },
    h('dt', {}, 'Phase'), h('dd', { id: 'provisioning-status' }, badge(status.provisioning_status || 'none')),
    h('dt', {}, 'Attempts'), h('dd', {}, String(status.attempts)),
    h('dt', {}, 'Error code'), h('dd', {}, status.error_code || '—'),
    h('dt', {}, 'Started'), h('dd', {}, when(status.provisioning_started_at)),
    h('dt', {}, 'Completed'), h('dd', {}, when(status.provisioning_completed_at))));

  const sections = await Promise.all([
    loaded('Members', async () => simpleTable('Members', [['Email', (m) => m.email], ['Name', (m) => m.display_name || '—'], ['Role', (m) => m.role], ['Status', (m) => badge(m.disabled ? 'disabled' : 'active')]], (await api('GET', t + '/users' + qs({ limit: 50 }))).data)),
    loaded('Roles', async () => simpleTable('Roles', [['Name', (r) => r.name], ['Built in', (r) => (r.built_in ? 'yes' : 'no')], ['Permissions', (r) => (r.permissions || []).join(', ')]], (await api('GET', t + '/roles')).data)),
    loaded('Invitations', async () => simpleTable('Invitations', [['Email', (i) => i.email], ['Role', (i) => i.role], ['Status', (i) => badge(i.status)], ['Expires', (i) => when(i.expires_at)]], (await api('GET', t + '/invitations' + qs({ limit: 50 }))).data)),
    loaded('Configuration', async () => simpleTable('Configuration entries', [['Type', (c) => c.type], ['Key', (c) => c.key], ['Value', (c) => h('pre', {}, JSON.stringify(c.value))]], Object.values(await api('GET', t + '/config')).flat())),
    loaded('Domains', async () => simpleTable('Custom domains', [['Hostname', (d) => d.hostname], ['Status', (d) => badge(d.status)], ['Verified', (d) => when(d.verified_at)]], (await api('GET', t + '/domains')).data)),
    loaded('Usage', async () => loadUsage(t)),
    loaded('Audit log', async () => simpleTable('Latest audit entries', [['When', (a) => when(a.at)], ['Action', (a) => a.action], ['Actor role', (a) => a.actor_role || '—'], ['Target', (a) => [a.target_type, a.target_id].filter(Boolean).join(' ') || '—']], (await api('GET', t + '/audit-log' + qs({ limit: 20 }))).data)),
  ]);
  return [h('h1', { tabindex: -1 }, tenant.name), h('p', {}, link('/admin?view=tenants', '← All tenants')),
    h('div', { class: 'grid' }, overview, provisioning), ...sections];
}

async function jobsView() {
  const p = params();
  const f = { state: p.get('state') || '', kind: p.get('kind') || '', cursor: p.get('cursor') || '' };
  const form = h('form', { class: 'filters card', 'aria-label': 'Filter jobs' },
    field('State', select('j-state', [['', 'Any state'], ...JOB_STATES.map((s) => [s, s])], f.state)),
    field('Kind', h('input', { id: 'j-kind', name: 'kind', type: 'text', value: f.kind })),
    h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go('/admin' + qs({ view: 'jobs', state: $('j-state').value, kind: $('j-kind').value.trim() }));
  });
  form.querySelector('#j-state').addEventListener('change', () => form.requestSubmit());
  const data = await api('GET', '/v1/admin/jobs' + qs({ limit: 25, state: f.state, kind: f.kind, cursor: f.cursor }));
  const retry = (job) => {
    if (job.state !== 'failed') return '—';
    return h('button', { type: 'button', 'aria-label': `Retry job ${job.id} (${job.kind})`, 'data-retry': job.id, onclick: async () => {
      try {
        await api('POST', `/v1/admin/jobs/${encodeURIComponent(job.id)}/retry`);
        toast(`Job ${job.id} queued again`);
        render({ focus: false });
      } catch (e) { toast('Refused: ' + problemText(e)); }
    } }, 'Retry');
  };
  const table = simpleTable('Jobs, newest first', [
    ['Id', (j) => String(j.id)], ['Kind', (j) => j.kind], ['State', (j) => badge(j.state)],
    ['Attempts', (j) => `${j.attempts} / ${j.max_attempts}`], ['Run at', (j) => when(j.run_at)],
    ['Tenant', (j) => (j.payload && j.payload.tenant_id ? link('/admin' + qs({ view: 'tenant', id: j.payload.tenant_id }), j.payload.tenant_id.slice(0, 8)) : '—')],
    ['Last error', (j) => j.last_error || '—'], ['Retry', retry]], data.data);
  const base = { view: 'jobs', state: f.state, kind: f.kind };
  const pager = h('nav', { class: 'pager', 'aria-label': 'Job pages' },
    f.cursor ? link('/admin' + qs(base), 'First page') : null,
    data.next_cursor ? link('/admin' + qs({ ...base, cursor: data.next_cursor }), 'Next page', { rel: 'next' }) : h('span', { class: 'muted' }, 'No more jobs'));
  return [h('h1', { tabindex: -1 }, 'Jobs'), form,
    h('div', { class: 'card' }, table, pager,
      h('p', { class: 'muted' }, 'Retry queues a failed job again now, with its attempts reset.'))];
}

// ---- the frame --------------------------------------------------------------------------------

let renderSeq = 0;

async function render({ focus }) {
  if (!token.get()) { showSignIn(); return; }
  const seq = ++renderSeq;
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('sign-out').hidden = false;
  startEvents();
  const view = params().get('view') || 'tenants';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === (view === 'tenant' ? 'tenants' : view)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const build = view === 'jobs' ? jobsView : view === 'tenant' ? tenantView : tenantsView;
  let content;
  try {
    content = await build();
  } catch (e) {
    if (e.status === 401) return;  // tenantd:unauthorized shows the sign-in
    content = [h('h1', { tabindex: -1 }, 'Something was refused'), h('p', { class: 'error', role: 'alert' }, problemText(e))];
  }
  if (seq !== renderSeq) return;  // a newer navigation has started: its answer wins
  const active = document.activeElement && document.activeElement.id;
  $('view').replaceChildren(...content);
  document.title = `${content[0].textContent} · tenantd`;
  if (focus) content[0].focus();
  else if (active && $(active)) $(active).focus();  // a live refresh keeps the keyboard where it was
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-spa], nav a[data-nav]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', () => render({ focus: true }));
// The stream is closed when the page goes away (or into the back-forward cache) and opened again
// when it comes back: a left-open stream would hold one of the browser's few connections to
// this host.
window.addEventListener('pagehide', () => { if (events) { events.stop(); events = null; } });
window.addEventListener('pageshow', (ev) => { if (ev.persisted && token.get()) render({ focus: false }); });
window.addEventListener('tenantd:unauthorized', () => showSignIn('Your session ended or the token was refused. Sign in again.'));
$('sign-in-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', () => { showSignIn('Signed out.'); history.replaceState(null, '', '/admin'); });
render({ focus: false });
