// The dashboard's only door to tenantd: the JSON API with the operator's bearer token, and the
// operators' event stream. No third-party code; nothing here builds HTML from data.

const TOKEN_KEY = 'tenantd.operator_token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

// A refusal as the API describes it (RFC 9457 problem+json): status, code, detail.
export class ApiProblem extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || 'http_' + status;
  }
}

export async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + token.get(), Accept: 'application/json' };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new CustomEvent('tenantd:unauthorized'));
    throw new ApiProblem(res.status, data);
  }
  return data;
}

// A query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}

// GET /v1/admin/events read with fetch (EventSource cannot send an Authorization header):
// Server-Sent Events parsed by hand, reconnect after `retry` ms with Last-Event-ID, so nothing
// is missed across a reconnect. onEvent({id, event, data}) for each event; onState(connected).
export class OperatorEvents {
  constructor(onEvent, onState) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastId = '';
    this.retry = 3000;
    this.stopped = false;
    this.controller = null;
  }

  start() { this.stopped = false; this.loop(); }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  async loop() {
    while (!this.stopped) {
      try {
        await this.once();
      } catch (e) {
        if (this.stopped) return;
      }
      this.onState(false);
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, this.retry));
    }
  }

  async once() {
    this.controller = new AbortController();
    const headers = { Authorization: 'Bearer ' + token.get(), Accept: 'text/event-stream' };
    if (this.lastId) headers['Last-Event-ID'] = this.lastId;
    const res = await fetch('/v1/admin/events', { headers, signal: this.controller.signal, cache: 'no-store' });
    if (!res.ok || !res.body) {
      if (res.status === 401) window.dispatchEvent(new CustomEvent('tenantd:unauthorized'));
      throw new ApiProblem(res.status, null);
    }
    this.onState(true);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        this.dispatch(block);
      }
    }
  }

  dispatch(block) {
    const ev = { id: '', event: 'message', data: '' };
    let any = false;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
      if (field === 'id') { ev.id = value; this.lastId = value; }
      if (field === 'event') { ev.event = value; any = true; }
      if (field === 'data') { ev.data += (ev.data ? '\n' : '') + value; any = true; }
    }
    if (!any) return;
    try { ev.json = JSON.parse(ev.data); } catch { ev.json = null; }
    this.onEvent(ev);
  }
}
