// The tenant page's usage section. It draws from the usage API (GET /v1/tenants/{t}/usage,
// {"data": [{"metric", "value", ...}]}) when the server has it, against the plan's limits
// (GET /v1/tenants/{t}/entitlements); a server without the usage API shows the limits alone.
// This is the one place to adapt when the usage API's shape settles.
import { api, ApiProblem } from './api.js';
import { h } from './dom.js';
import { barChart } from './charts.js';

export async function loadUsage(tenantPath) {
  const ent = await api('GET', tenantPath + '/entitlements');
  const limits = (ent && ent.limits) || {};
  let used = null;
  try {
    const usage = await api('GET', tenantPath + '/usage');
    used = {};
    for (const row of (usage && usage.data) || []) {
      if (row && typeof row.metric === 'string' && typeof row.value === 'number') used[row.metric] = (used[row.metric] || 0) + row.value;
    }
  } catch (e) {
    if (!(e instanceof ApiProblem) || (e.status !== 404 && e.status !== 405)) throw e;
  }
  const metrics = Object.keys(limits).sort();
  const rows = metrics.map((m) => ({ label: m.replace(/_/g, ' '), limit: limits[m], used: used ? used[m] ?? 0 : null }));
  return h('div', {},
    barChart(used ? `Usage against the ${ent.plan} plan` : `Limits of the ${ent.plan} plan (this server has no usage API)`, rows));
}
