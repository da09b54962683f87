-- bench/wrk_result.lua: the done() every bench wrk script uses (loaded with dofile, found through
-- BENCH_LUA_DIR, which bench/run.sh sets). It prints one machine-readable line that
-- bench/report.py parses:
--   WRK_RESULT requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N max_us=N
--              non2xx=N connect_err=N read_err=N write_err=N timeout_err=N
-- non2xx is wrk's errors.status (responses with status > 399; wrk does not count 1xx/3xx).
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
