-- bench/invitations.lua: wrk script for POST /v1/invitations (a write route: the invitation,
-- its audit row and, with Idempotency-Key, its record commit in one statement), with admin
-- tokens rotating over many tenants and a unique address per request.
-- Used by bench/run.sh:  BENCH_TOKENS=FILE wrk -s bench/invitations.lua --latency ... http://HOST:PORT
--
-- FILE holds one bearer token per line (tenant_admin of a bench tenant). Every request invites
-- a new address (thread id, sequence number, run id), so none collides with an earlier one: a
-- collision would answer 409 and measure the refusal instead of the write.
-- done() prints the same WRK_RESULT line as bench/users.lua.

local tokens_file = os.getenv("BENCH_TOKENS")
local run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())

local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local tokens = {}
local count = 0
local pos = 0
local seq = 0

function init(args)
  assert(tokens_file and tokens_file ~= "", "BENCH_TOKENS must name the token file")
  for line in io.lines(tokens_file) do
    if line ~= "" then
      count = count + 1
      tokens[count] = line
    end
  end
  assert(count > 0, "no tokens in " .. tokens_file)
  pos = ((thread_id or 0) * 7919) % count
end

function request()
  pos = pos + 1
  if pos > count then pos = 1 end
  seq = seq + 1
  local body = string.format('{"email":"inv-%s-%d-%d@bench-invites.example.com","role":"member"}',
                             run_id, thread_id or 0, seq)
  return wrk.format("POST", "/v1/invitations",
                    { ["Authorization"] = "Bearer " .. tokens[pos], ["Content-Type"] = "application/json" },
                    body)
end

dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/wrk_result.lua")  -- done()
