-- wrk script for bench/signup.sh: POST /v1/signup with a unique organisation, slug and
-- Idempotency-Key per request (no password: the admin gets an invitation, so the 202 does not
-- wait for scrypt). Each thread sends its share of the sign-ups and stops; signup.sh interrupts
-- wrk (which then prints its statistics) once every sign-up is in the database.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  tid = tonumber(wrk.thread:get("tid"))
  run = args[1]
  share = tonumber(args[2])
  -- wrk calls request() once in thread 0's state before the run to see whether the request
  -- is static: that call's sign-up is never sent, so thread 0 builds one more.
  limit = tid == 0 and share + 1 or share
  sent = 0
  got = 0
  last = nil
end

function request()
  if sent < limit then
    sent = sent + 1
    local slug = string.format("bsu-%s-%d-%d", run, tid, sent)
    local body = string.format(
      '{"organization_name":"Bench %s","slug":"%s","plan":"free","admin_email":"admin@%s.example"}',
      slug, slug, slug)
    last = wrk.format("POST", "/v1/signup", {
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = "bench-signup-key-" .. slug,
    }, body)
  end
  return last
end

function response(status, headers, body)
  got = got + 1
  if got >= share then wrk.thread:stop() end
end
