// CORS in a real browser: headless chromium loads a page from an origin tenant A allowed and one
// from an origin only tenant B allowed (two loopback ports of a tiny HTTP server started here:
// a different port is a different origin), and each page calls tenantd with fetch and an
// Authorization header, so the browser sends a preflight first.
//   node tests/browser/cors.mjs <api port> <tenant A slug> <A token> <tenant B slug> <B token> <port A> <port B>
// The page on A's origin must read A's JSON and the X-Request-Id header, by path and by Host
// (<slug>.localhost: chromium resolves *.localhost to loopback); the page on B's origin must get
// a CORS failure (TypeError) calling A, and succeed calling B. Prints one JSON line of results;
// exits 0 only when every expectation holds.
import http from 'node:http';
import {launch, screenshot} from '../tools/browser/launch.mjs';

const [apiPort, slugA, tokenA, slugB, tokenB, portA, portB] = process.argv.slice(2);
if (!portB) {
  console.error('usage: cors.mjs <api port> <slug A> <token A> <slug B> <token B> <port A> <port B>');
  process.exit(2);
}

const page_html = '<!doctype html><html><head><title>front end</title></head><body><p id="out">ready</p></body></html>';
function serve(port) {
  return new Promise((resolve, reject) => {
    const s = http.createServer((req, res) => {
      res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
      res.end(page_html);
    });
    s.on('error', reject);
    s.listen(Number(port), '127.0.0.1', () => resolve(s));
  });
}

// Runs in the page: one fetch, and what a front end can see of its outcome.
async function call(url, token, requestId) {
  try {
    const r = await fetch(url, {headers: {Authorization: 'Bearer ' + token, 'X-Request-Id': requestId}});
    const body = await r.json();
    const out = {ok: true, status: r.status, request_id: r.headers.get('X-Request-Id'),
                 has_data: Array.isArray(body.data), count: Array.isArray(body.data) ? body.data.length : -1};
    document.getElementById('out').textContent = JSON.stringify(out);
    return out;
  } catch (e) {
    const out = {ok: false, error: e.name, message: String(e.message)};
    document.getElementById('out').textContent = JSON.stringify(out);
    return out;
  }
}

const servers = [await serve(portA), await serve(portB)];
const browser = await launch();
const results = {};
const failures = [];
const expect = (name, cond) => { if (!cond) failures.push(name); };
try {
  const api = `http://127.0.0.1:${apiPort}`;
  const hostApi = (slug) => `http://${slug}.localhost:${apiPort}`;

  // chromium reports why a fetch failed on the console ("… has been blocked by CORS policy …"):
  // a TypeError alone could also be a network failure
  const consoleText = [];
  const watch = (page) => page.on('console', (m) => consoleText.push(m.text()));
  const blockedByCors = (url) => consoleText.some((t) => t.includes('CORS policy') && t.includes(url));

  const pageA = await browser.newPage();
  watch(pageA);
  await pageA.goto(`http://127.0.0.1:${portA}/`);
  results.a_by_path = await pageA.evaluate(call, `${api}/v1/tenants/${slugA}/users`, tokenA, 'browser-a-path');
  results.a_by_host = await pageA.evaluate(call, `${hostApi(slugA)}/v1/users`, tokenA, 'browser-a-host');
  await screenshot(pageA, 'cors-allowed-origin');
  // A's front end calling B: A's origin does not open B
  results.a_calls_b = await pageA.evaluate(call, `${api}/v1/tenants/${slugB}/users`, tokenB, 'browser-a-calls-b');

  const pageB = await browser.newPage();
  watch(pageB);
  await pageB.goto(`http://127.0.0.1:${portB}/`);
  // the attack: a page on B's origin (allowed by B only) calls A's API with A's token
  results.b_calls_a_path = await pageB.evaluate(call, `${api}/v1/tenants/${slugA}/users`, tokenA, 'browser-b-path');
  results.b_calls_a_host = await pageB.evaluate(call, `${hostApi(slugA)}/v1/users`, tokenA, 'browser-b-host');
  await screenshot(pageB, 'cors-disallowed-origin');
  results.b_calls_b = await pageB.evaluate(call, `${api}/v1/tenants/${slugB}/users`, tokenB, 'browser-b-own');

  for (const [k, id] of [['a_by_path', 'browser-a-path'], ['a_by_host', 'browser-a-host'], ['b_calls_b', 'browser-b-own']]) {
    const r = results[k];
    expect(`${k}: read the JSON`, r.ok && r.status === 200 && r.has_data && r.count > 0);
    expect(`${k}: read X-Request-Id`, r.ok && r.request_id === id);
  }
  const refused = {a_calls_b: `${api}/v1/tenants/${slugB}/users`, b_calls_a_path: `${api}/v1/tenants/${slugA}/users`,
                   b_calls_a_host: `${hostApi(slugA)}/v1/users`};
  for (const [k, url] of Object.entries(refused)) {
    expect(`${k}: CORS failure (TypeError)`, !results[k].ok && results[k].error === 'TypeError');
    results[k].blocked_by_cors = blockedByCors(url);
    expect(`${k}: chromium says blocked by CORS policy`, results[k].blocked_by_cors);
  }
} finally {
  await browser.close();
  for (const s of servers) s.close();
}
console.log(JSON.stringify({ok: failures.length === 0, failures, results}));
process.exit(failures.length === 0 ? 0 : 1);
