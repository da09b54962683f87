// /signup/status/{id}: where a sign-up is on its way to an active workspace, live from
// GET /v1/tenant-status/{id}/events (EventSource resumes with Last-Event-ID by itself), without
// reloading. The page shows what the public status shows: state, phase, attempts, an error code.
const id = decodeURIComponent(location.pathname.split('/').pop() || '');
const ORDER = ['pending', 'provisioning', 'active'];
const $ = (x) => document.getElementById(x);

function show(s) {
  const failed = s.status === 'failed' || s.provisioning_status === 'failed';
  const at = failed ? 1 : Math.max(ORDER.indexOf(s.status), s.status === 'active' ? 2 : 0);
  ORDER.forEach((name, i) => {
    const li = $('step-' + name);
    li.className = i < at || (s.status === 'active' && i === at) ? 'done' : i === at ? (failed ? 'failed' : 'current') : '';
    if (i === at && !(s.status === 'active')) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
  });
  document.body.dataset.status = s.status;
  let text;
  if (s.status === 'active') text = 'Your workspace is ready.';
  else if (failed) text = 'Setting up your workspace failed' + (s.error_code ? ` (reason: ${s.error_code}).` : '.');
  else if (s.status === 'provisioning') text = s.provisioning_status === 'retrying' ? 'Setting up your workspace — retrying…' : 'Setting up your workspace…';
  else if (s.status === 'pending') text = 'Your sign-up was received and is waiting to be set up.';
  else text = `Workspace status: ${s.status}.`;
  $('message').textContent = text;
  $('detail').textContent = s.attempts ? `Attempt ${s.attempts}` : '';
}

if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
  $('message').textContent = 'This status address is not valid.';
} else {
  const source = new EventSource(`/v1/tenant-status/${id}/events`);
  source.addEventListener('status', (ev) => {
    try { show(JSON.parse(ev.data)); } catch { /* a malformed event is ignored */ }
  });
  source.addEventListener('error', async () => {
    // the stream closes for an unknown id (404) and reconnects by itself otherwise
    if (source.readyState === EventSource.CLOSED) {
      const res = await fetch(`/v1/tenant-status/${id}`);
      if (res.status === 404) $('message').textContent = 'No sign-up has this address.';
    }
  });
}
