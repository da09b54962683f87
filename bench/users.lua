-- bench/users.lua: wrk script for GET /v1/users?limit=50 with tokens rotating over many tenants.
-- Used by bench/run.sh:  BENCH_TOKENS=FILE wrk -s bench/users.lua --latency ... http://HOST:PORT
--
-- FILE holds one bearer token per line (run.sh mints one per bench tenant with
-- `tenantd token`). Every wrk thread pre-builds one request per token in init() and cycles
-- through them, starting at its own offset, so consecutive requests hit different tenants
-- (different RLS context, different index ranges) as they would in production.
-- done() prints one machine-readable line that run.sh parses:
--   WRK_RESULT requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N max_us=N
--              non2xx=N connect_err=N read_err=N write_err=N timeout_err=N
-- non2xx is wrk's errors.status (responses with status > 399; wrk does not count 1xx/3xx, and
-- this service never answers those on this route).

local path = os.getenv("BENCH_PATH") or "/v1/users?limit=50"
local tokens_file = os.getenv("BENCH_TOKENS")

local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local requests = {}
local count = 0
local pos = 0

function init(args)
  assert(tokens_file and tokens_file ~= "", "BENCH_TOKENS must name the token file")
  for line in io.lines(tokens_file) do
    if line ~= "" then
      count = count + 1
      requests[count] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. line })
    end
  end
  assert(count > 0, "no tokens in " .. tokens_file)
  -- threads start far apart in the rotation (thread_id is set by setup())
  pos = ((thread_id or 0) * 7919) % count
end

function request()
  pos = pos + 1
  if pos > count then pos = 1 end
  return requests[pos]
end

dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/wrk_result.lua")  -- done()
