// The dashboard in Debian's chromium (headless, puppeteer-core), against a real tenantd that
// tests/integration/dashboard_browser_pgtest.cpp started and seeded. Each step prints "ok <step>"
// and writes a screenshot to ARTIFACTS_DIR; any failure exits non-zero with the reason.
//
// Environment: BASE_URL, OPERATOR_TOKEN, TAG (the seeded tenants' names start "Brw TAG"),
// SEEDED (how many), PRO_COUNT (how many of them are on pro), SUSPEND_ID / SUSPEND_NAME (an
// active seeded tenant) and MEMBER_TOKEN (its admin's token), TENANTD_BINARY (to start a worker
// when the test wants provisioning to happen), DOC_SCREENSHOT (optional: where to save the
// README's dashboard picture).
import { spawn } from 'node:child_process';
import { launch, screenshot } from '../tools/browser/launch.mjs';

const env = process.env;
const BASE = env.BASE_URL;
const TAG = env.TAG;
const SEEDED = Number(env.SEEDED);
const PRO = Number(env.PRO_COUNT);
const bound = { timeout: 20000 };
let at = 'start';  // the step a failure happened in  // a bound against a broken run, not a timed assertion

function check(cond, msg) { if (!cond) throw new Error(msg); }
const ok = (step) => console.log('ok ' + step);

async function rows(page) {
  return page.$$eval('#tenants tbody tr[data-tenant-id]', (trs) => trs.map((tr) => ({
    id: tr.dataset.tenantId,
    name: tr.cells[0].textContent.trim(),
    status: tr.cells[2].textContent.trim(),
    plan: tr.cells[3].textContent.trim(),
  })));
}

// The page's table as data, installed through the DevTools protocol on every new document (the
// dashboard's CSP allows no eval, so predicates are real functions that call this).
async function withRowReader(page) {
  await page.evaluateOnNewDocument(() => {
    window.__rows = () => [...document.querySelectorAll('#tenants tbody tr[data-tenant-id]')].map((tr) => ({
      name: tr.cells[0].textContent.trim(), status: tr.cells[2].textContent.trim(), plan: tr.cells[3].textContent.trim() }));
  });
  return page;
}

// waits until the tenants table shows what `pred(rows, arg)` wants (the view renders asynchronously)
async function waitRows(page, pred, what, arg = null) {
  try {
    await page.waitForFunction(`(${pred.toString()})(window.__rows ? window.__rows() : [], ${JSON.stringify(arg)})`, bound);
  } catch (e) {
    throw new Error(`the tenants table never showed ${what}: ${JSON.stringify(await rows(page))} (${e.message})`);
  }
}

// Every focusable control must have an accessible name, as Chromium's accessibility tree computes it.
async function checkNames(page, where) {
  const snap = await page.accessibility.snapshot({ interestingOnly: false });
  const roles = new Set(['button', 'textbox', 'combobox', 'searchbox', 'link', 'checkbox', 'radio', 'listbox', 'spinbutton', 'slider', 'switch']);
  const missing = [];
  let count = 0;
  (function walk(n) {
    if (!n) return;
    if (roles.has(n.role)) {
      count++;
      if (!n.name || !n.name.trim()) missing.push(n.role);
    }
    for (const c of n.children || []) walk(c);
  })(snap);
  check(count > 0, `${where}: no controls found`);
  check(missing.length === 0, `${where}: controls without an accessible name: ${missing.join(', ')}`);
  // and in the DOM: every form control has a <label for>, an aria-label or is a labelled button
  // one evaluation (a live redraw between a query and its evaluation would hand over detached nodes)
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML.slice(0, 80) + ` [same id: ${document.querySelectorAll('#' + el.id).length}, labels for it: ${document.querySelectorAll('label[for="' + el.id + '"]').length}, connected: ${el.isConnected}, in view: ${document.getElementById('view').contains(el)}]`));
  check(unlabeled.length === 0, `${where}: form controls without a label: ${unlabeled.join(' | ')}`);
  return count;
}

// A click on a control the live updates may re-render (the event of one's own action arrives
// after the action's answer and redraws the page): taken again on the fresh node when that happens.
async function clickFresh(page, selector) {
  for (let attempt = 0; ; attempt++) {
    try {
      await page.waitForSelector(selector, bound);
      await page.click(selector);
      return;
    } catch (e) {
      if (attempt >= 4 || !/detached|not clickable|no node/i.test(e.message)) throw e;
    }
  }
}

// Chooses an option and waits for the address to show it. A live redraw can replace the form
// between puppeteer finding the select and choosing (the choice then lands on a detached form);
// the choice is made again on the fresh form, as a person would.
async function choose(page, selector, value, param) {
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.waitForSelector(selector, bound);
    await page.select(selector, value);
    try {
      await page.waitForFunction((p, v) => (new URL(location.href).searchParams.get(p) || '') === v, { timeout: 3000 }, param, value);
      return;
    } catch (e) { /* drawn again meanwhile: once more */ }
  }
  throw new Error(`choosing ${value} in ${selector} never reached the address`);
}

async function signupViaApi(slug) {
  const res = await fetch(BASE + '/v1/signup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ organization_name: 'Brw signup ' + slug, slug, plan: 'pro', admin_email: `admin@${slug}.example`, admin_password: 'correct horse battery staple' }),
  });
  const body = await res.json();
  check(res.status === 202, `sign-up answered ${res.status}: ${JSON.stringify(body)}`);
  return body.tenant_id;
}

const browser = await launch();
let worker = null;
let page = null;
try {
  page = await withRowReader(await browser.newPage());
  await page.setViewport({ width: 1280, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => { if (!r.url().includes('/v1/admin/events')) console.error('  request failed: ' + r.url() + ' ' + (r.failure() && r.failure().errorText)); });

  // 1. sign in --------------------------------------------------------------------------------
  at = 'sign in';
  await page.goto(BASE + '/admin');
  await page.waitForSelector('#token', { visible: true, ...bound });
  await screenshot(page, '01-sign-in');
  await checkNames(page, 'sign-in');
  await page.type('#token', 'not-a-token');
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent.includes('refused'), bound);
  await page.type('#token', env.OPERATOR_TOKEN);
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForSelector('#tenants', bound);
  await page.waitForFunction(() => document.getElementById('live').textContent === 'Live updates: on', bound);
  await screenshot(page, '02-signed-in');
  ok('sign in (a wrong token is refused; the operator token opens the tenants list with live updates on)');

  // 2. filter, sort, page ---------------------------------------------------------------------
  at = 'filter, sort, page';
  await page.type('#f-q', 'Brw ' + TAG);
  await page.keyboard.press('Enter');
  await page.waitForFunction((t) => new URL(location.href).searchParams.get('q') === 'Brw ' + t, bound, TAG);
  await waitRows(page, (rows, tag) => rows.length === 10 && rows.every((r) => r.name.includes(tag)), 'the first 10 seeded tenants', TAG);
  await choose(page, '#f-plan', 'pro', 'plan');
  await waitRows(page, (rows, n) => rows.length === n && rows.every((r) => r.plan === 'pro'), `${PRO} pro tenants`, PRO);
  await screenshot(page, '03-filtered-pro');
  at = 'sort';
  await choose(page, '#f-plan', '', 'plan');
  await waitRows(page, (rows) => rows.length === 10, 'every plan again');
  await choose(page, '#f-sort', 'name', 'sort');
  await waitRows(page, (rows) => rows.length === 10 && rows[0].name.endsWith(' 01') && rows[9].name.endsWith(' 10'), 'names 01..10 ascending');
  const first = await rows(page);
  await choose(page, '#f-sort', '-name', 'sort');
  await waitRows(page, (rows, last) => rows.length > 0 && rows[0].name.endsWith(' ' + last), 'names descending', String(SEEDED).padStart(2, '0'));
  await choose(page, '#f-sort', 'name', 'sort');
  await waitRows(page, (rows) => rows.length > 0 && rows[0].name.endsWith(' 01'), 'names ascending again');
  at = 'next page';
  await page.waitForSelector('a[rel="next"]', bound);
  await page.click('a[rel="next"]');
  await page.waitForFunction(() => !!new URL(location.href).searchParams.get('cursor'), bound);
  await waitRows(page, (rows, n) => rows.length === n && rows[0].name.endsWith(' 11'), 'the second page', SEEDED - 10);
  const second = await rows(page);
  check(second.every((r) => !first.some((f) => f.id === r.id)), 'the pages overlap');
  await screenshot(page, '04-second-page');
  // the URL holds the state: loading it again shows the same page
  const pageUrl = page.url();
  await page.goto(pageUrl);
  await waitRows(page, (rows, n) => rows.length === n && rows[0].name.endsWith(' 11'), 'the second page after loading its URL', SEEDED - 10);
  check((await page.$eval('#f-sort', (s) => s.value)) === 'name' && (await page.$eval('#f-q', (s) => s.value)) === 'Brw ' + TAG, 'the form does not show the URL\'s filters');
  await page.goBack();
  await waitRows(page, (rows) => rows.length === 10 && rows[0].name.endsWith(' 01'), 'the first page after Back');
  ok('filter by search and plan, sort both ways, page with the cursor; the URL reproduces the view');
  if (env.DOC_SCREENSHOT) {
    await page.goto(BASE + '/admin?view=tenants&sort=name&q=' + encodeURIComponent('Brw ' + TAG));
    await waitRows(page, (rows) => rows.length === 10, 'the seeded tenants');
    await page.screenshot({ path: env.DOC_SCREENSHOT });
  }

  // 3. a sign-up made through the API turns active without a reload ----------------------------
  at = 'sign-up';
  const slug = 'brw-signup-' + TAG.toLowerCase();
  const id = await signupViaApi(slug);
  const list = await withRowReader(await browser.newPage());
  await list.setViewport({ width: 1280, height: 700 });
  // a new tab has its own session: the operator signs in there too (the token lives per tab)
  await list.goto(BASE + '/admin');
  await list.waitForSelector('#token', { visible: true, ...bound });
  await list.type('#token', env.OPERATOR_TOKEN);
  await list.click('#sign-in-form button[type="submit"]');
  await list.waitForSelector('#tenants', bound);
  await list.goto(BASE + '/admin?view=tenants&q=' + encodeURIComponent(slug));
  await list.waitForFunction(() => !!document.querySelector('#tenants tbody tr[data-tenant-id]'), bound);
  const statusPage = await browser.newPage();
  await statusPage.setViewport({ width: 900, height: 500 });
  await statusPage.goto(BASE + '/signup/status/' + id);
  at = 'sign-up: the status page shows pending';
  await statusPage.waitForFunction(() => document.body.dataset.status === 'pending', bound);
  await screenshot(statusPage, '05-signup-pending');
  check((await list.$eval('#tenants tbody tr .status-cell', (c) => c.textContent.trim())) === 'pending', 'the list does not show the sign-up pending');
  // marks that a reload would wipe
  await statusPage.evaluate(() => { window.__noReload = true; });
  await list.evaluate(() => { window.__noReload = true; });
  // the list hears the change only on a stream that is open before it happens (a stream that
  // opens later starts from then; web/api.js resumes from 'ready' only after a drop)
  at = 'sign-up: the list\'s live updates are on';
  await list.waitForFunction(() => document.getElementById('live').textContent === 'Live updates: on', bound);
  at = 'sign-up: provisioning watched live';
  worker = spawn(env.TENANTD_BINARY, ['worker'], { env: { ...env, WORKERS: '1', JOB_POLL_MS: '100' }, stdio: 'ignore' });
  await statusPage.waitForFunction(() => document.body.dataset.status === 'active', bound);
  check((await statusPage.$eval('#message', (m) => m.textContent)).includes('ready'), 'the status page does not say ready');
  at = 'sign-up: the list shows it active';
  await list.waitForFunction(() => document.querySelector('#tenants tbody tr .status-cell').textContent.trim() === 'active', bound);
  check(await statusPage.evaluate(() => window.__noReload === true), 'the status page reloaded');
  check(await list.evaluate(() => window.__noReload === true), 'the tenants list reloaded');
  await screenshot(statusPage, '06-signup-active');
  await screenshot(list, '07-list-live-active');
  worker.kill('SIGTERM');
  worker = null;
  ok('a sign-up made through the API turns active on its status page and in the list, without a reload');

  // 4. suspend from the tenant page; the API refuses the tenant ---------------------------------
  at = 'suspend from the tenant page; the API refuses the tenant';
  await statusPage.close();
  await list.close();
  await page.bringToFront();
  await page.goto(BASE + '/admin?view=tenants&q=' + encodeURIComponent(env.SUSPEND_NAME));
  await page.waitForSelector('#tenants tbody a', bound);
  await page.click('#tenants tbody a');
  await page.waitForSelector('#suspend', bound);
  await page.type('#suspend-reason', 'unpaid invoice (browser test)');
  await page.click('#suspend');
  await page.waitForFunction(() => document.getElementById('tenant-status').textContent.trim() === 'suspended', bound);
  await screenshot(page, '08-suspended');
  const refused = await fetch(BASE + '/v1/me', { headers: { Authorization: 'Bearer ' + env.MEMBER_TOKEN } });
  const problem = await refused.json();
  check(refused.status === 403 && problem.code === 'tenant_suspended', `the API answered ${refused.status} ${JSON.stringify(problem)} for the suspended tenant`);
  await clickFresh(page, '#activate');
  await page.waitForFunction(() => document.getElementById('tenant-status').textContent.trim() === 'active', bound);
  const back = await fetch(BASE + '/v1/me', { headers: { Authorization: 'Bearer ' + env.MEMBER_TOKEN } });
  check(back.status === 200, `after activation the API answered ${back.status}`);
  ok('suspend from the tenant page: the API refuses the tenant (403 tenant_suspended); activate lets it in again');

  // 5. retry a failed job from the jobs view -----------------------------------------------
  at = 'retry a failed job';
  await page.goto(BASE + '/admin?view=jobs&kind=' + encodeURIComponent(env.FAILED_JOB_KIND));
  await page.waitForSelector(`button[data-retry="${env.FAILED_JOB_ID}"]`, bound);
  await screenshot(page, '09-job-failed');
  await clickFresh(page, `button[data-retry="${env.FAILED_JOB_ID}"]`);
  await page.waitForFunction((id) => [...document.querySelectorAll('#view tbody tr')].some((tr) => tr.cells[0].textContent === id && tr.cells[2].textContent.trim() === 'queued'), bound, env.FAILED_JOB_ID);
  await screenshot(page, '10-job-retried');
  ok('retry a failed job from the jobs view: it is queued again');

  // 6. keyboard navigation and labels --------------------------------------------------------
  at = 'keyboard navigation and labels';
  let controls = await checkNames(page, 'tenant page');
  await page.goto(BASE + '/admin?view=jobs');
  await page.waitForFunction(() => document.querySelector('#view h1') && document.querySelector('#view h1').textContent === 'Jobs', bound);
  controls += await checkNames(page, 'jobs');
  await screenshot(page, '11-jobs');
  await page.goto(BASE + '/admin?view=tenants&sort=name&q=' + encodeURIComponent('Brw ' + TAG));
  await waitRows(page, (rows) => rows.length === 10, 'the seeded tenants');
  controls += await checkNames(page, 'tenants');
  const signedUpStatus = await browser.newPage();
  await signedUpStatus.goto(BASE + '/signup/status/' + id);
  await signedUpStatus.waitForFunction(() => document.body.dataset.status === 'active', bound);
  // the status page has no controls; its progress list and live message are labelled
  check(await signedUpStatus.$eval('ol.steps', (o) => o.getAttribute('aria-label') === 'Progress'), 'the progress list has no label');
  check(await signedUpStatus.$eval('#message', (m) => m.getAttribute('role') === 'status'), 'the status message is not a live region');
  await signedUpStatus.close();
  await page.bringToFront();
  // Tab from the top: the skip link first, then the header, the filters, the table, the pager
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const order = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => {
      const a = document.activeElement;
      return a.id || (a.getAttribute('rel') === 'next' ? 'next-page' : '') || (a.closest('#tenants') ? 'tenant-link' : '') || a.textContent.trim();
    }));
  }
  check(order[0] === 'Skip to content', `the first Tab stop is ${order[0]}`);
  for (const want of ['f-status', 'f-plan', 'f-q', 'f-sort', 'tenant-link', 'next-page']) {
    check(order.includes(want), `Tab never reaches ${want}: ${order.join(' > ')}`);
  }
  check(order.indexOf('f-status') < order.indexOf('tenant-link') && order.indexOf('tenant-link') < order.indexOf('next-page'), `Tab order: ${order.join(' > ')}`);
  // Enter on a focused tenant link opens its page and puts the focus on its title
  await page.evaluate(() => document.activeElement.blur());
  await page.focus('#tenants tbody a');
  const name = await page.$eval('#tenants tbody a', (a) => a.textContent);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelector('#view h1') && document.querySelector('#view h1').textContent === n, bound, name);
  check(await page.evaluate(() => document.activeElement.tagName === 'H1'), 'the focus did not move to the new page\'s title');
  // the skip link: the first stop on a freshly loaded page, and it moves the focus to the content
  await page.goto(page.url());
  await page.waitForSelector('#view h1', bound);
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.textContent.trim() === 'Skip to content'), 'the skip link is not the first stop');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id === 'main' || location.hash === '#main'), 'the skip link does not reach the content');
  ok(`keyboard navigation (Tab order, Enter on links, skip link) and an accessible name on every one of ${controls} controls`);

  // many page loads in one tab: each closes its stream, so the API stays reachable (a stream
  // left open per page load once starved the browser's connections to the host)
  at = 'page loads in one tab';
  for (let i = 0; i < 8; i++) {
    await page.goto(BASE + '/admin?view=tenants&sort=name&q=' + encodeURIComponent('Brw ' + TAG));
    await waitRows(page, (rows) => rows.length === 10, `the seeded tenants after ${i + 1} more page loads`);
  }
  ok('eight more page loads in one tab, the list still loads');
  check(errors.length === 0, 'errors in the page: ' + errors.join(' | '));
  ok('no script error in the dashboard');
} catch (e) {
  console.error('FAIL ' + e.message + ' (during: ' + at + ')');
  if (page) {
    console.error('  at ' + page.url());
    const probe = await fetch(BASE + '/v1/tenants?limit=1', { headers: { Authorization: 'Bearer ' + env.OPERATOR_TOKEN }, signal: AbortSignal.timeout(5000) }).then((r) => r.status, (e) => e.message);
    console.error('  the server answers node: ' + probe);
    for (const p of await browser.pages()) {
      const state = await p.evaluate(() => document.getElementById('view')
        ? document.getElementById('view').textContent.slice(0, 200) + ' | live: ' + document.getElementById('live').textContent
        : document.body.textContent.slice(0, 200) + ' | status: ' + document.body.dataset.status).catch(() => '?');
      console.error('  tab ' + p.url() + ': ' + state);
    }
    await screenshot(page, 'failure').catch(() => {});
  }
  process.exitCode = 1;
} finally {
  if (worker) worker.kill('SIGTERM');
  await browser.close();
}
