// Horizontal bar charts in SVG (no library): one row per metric, the limit as the track and
// the use as the bar. Presentation attributes only (the CSP allows no inline style).
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// rows: [{label, used, limit}] (limit null: unlimited; used null: unknown)
export function barChart(title, rows) {
  const rowH = 26, labelW = 170, barW = 260, width = labelW + barW + 90;
  const svg = s('svg', { class: 'chart', role: 'img', width, height: rows.length * rowH + 6, viewBox: `0 0 ${width} ${rows.length * rowH + 6}` });
  svg.append(s('title', {}, title));
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    svg.append(s('text', { x: 0, y: y + 14 }, r.label));
    svg.append(s('rect', { class: 'limit', x: labelW, y, width: barW, height: 16, rx: 3 }));
    const max = r.limit || Math.max(r.used || 0, 1);
    const w = r.used == null ? 0 : Math.min(barW, Math.round((barW * r.used) / max));
    svg.append(s('rect', { class: 'used', x: labelW, y, width: w, height: 16, rx: 3 }));
    const text = (r.used == null ? '–' : r.used) + ' / ' + (r.limit == null ? '∞' : r.limit);
    svg.append(s('text', { x: labelW + barW + 8, y: y + 14 }, text));
  });
  return h('figure', {}, svg, h('figcaption', { class: 'muted' }, title));
}
