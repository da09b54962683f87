// Building the page from data without ever parsing data as HTML: h('td', {class: 'x'}, text).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function badge(status) {
  const s = status || 'none';
  return h('span', { class: 'badge s-' + s.replace(/[^a-z]/g, '') }, s);
}

export function when(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  return isNaN(d) ? ts : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

// A labelled control: <div><label for=id>text</label>control</div>
export function field(labelText, control) {
  return h('div', {}, h('label', { for: control.id }, labelText), control);
}

export function select(id, options, value) {
  const s = h('select', { id, name: id });
  for (const [v, text] of options) {
    const o = h('option', { value: v }, text);
    if (v === (value || '')) o.selected = true;
    s.append(o);
  }
  return s;
}
