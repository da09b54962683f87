-- bench/healthz.lua: wrk script for GET /healthz (no database, no token): the HTTP limit.
-- Used by bench/run.sh: wrk -s bench/healthz.lua --latency ... http://HOST:PORT/healthz
-- done() prints the same WRK_RESULT line as bench/users.lua (see there).

dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/wrk_result.lua")  -- done()
