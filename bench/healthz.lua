-- bench/healthz.lua: wrk script for GET /healthz (no database, no token): the HTTP limit.
-- Used by bench/run.sh: wrk -s bench/healthz.lua --latency ... http://HOST:PORT/healthz
-- done() prints the same WRK_RESULT line as bench/users.lua (see there).

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
