-- wrk script for bench/run: rotates through the requests of a file the runner wrote
-- (bench/rotation.py: one request a line, tab-separated method, path, Cookie header, CSRF
-- token and form body). Line i goes to thread (i - 1) % threads + 1, in order.
--
-- Arguments (after wrk's own, behind "--"): the file, the mode ("cycle": start again at the
-- top of the share; "once": stop the thread at its end, for writes, whose objects take each
-- write once), the number of wrk threads, and what a good answer is ("2xx" for pages; "3xx" for
-- form posts, whose success is the redirect after saving, a redirect to the login page aside).
--
-- Prints one line "BENCH_RESULT {json}": latency percentiles (ms), requests per second, the
-- answers that were not good (wrk itself counts only status >= 400), and for "once" how many
-- requests each thread sent, so the runner can check every one left its record.
-- Each wrk thread has its own Lua state; done() adds up the threads' counts.

local threads = {}
local counter = 0
local HEALTHZ = "/healthz"

-- Wall-clock microseconds through LuaJIT's FFI (wrk's Lua is LuaJIT), so a "once" run that ran
-- out of requests before the end reports its rate over the time it was busy.
local ffi_ok, ffi = pcall(require, "ffi")
if ffi_ok then
  ffi_ok = pcall(ffi.cdef, [[
    typedef struct { long tv_sec; long tv_usec; } bench_timeval;
    int gettimeofday(bench_timeval *tv, void *tz);
  ]])
end

local function now_us()
  if not ffi_ok then return 0 end
  local tv = ffi.new("bench_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local file, mode, nthreads, expect = args[1], args[2], tonumber(args[3]), args[4]
  local id = wrk.thread:get("id")
  once = (mode == "once")
  expect_3xx = (expect == "3xx")
  requests = {}
  local i = 0
  for line in io.lines(file) do
    i = i + 1
    if line ~= "" and (i - 1) % nthreads == id - 1 then
      local method, path, cookie, csrf, body =
        line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if csrf ~= "" then headers["X-CSRFToken"] = csrf end
      if body ~= "" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      table.insert(requests, wrk.format(method, path, headers, body))
    end
  end
  filler = wrk.format("GET", HEALTHZ, {}, nil)
  position = 1
  sent, answered, bad, redirects, client_errors, server_errors = 0, 0, 0, 0, 0, 0
  first_bad_status, first_us, last_us, exhausted = 0, 0, 0, 0
  -- wrk calls request() once on the first thread before the run to check what it returns; that
  -- call sends nothing, so it must not use up a line.
  verifying = (id == 1)
end

function request()
  if verifying then
    verifying = false
    return requests[1] or filler
  end
  if position > #requests then
    if once or #requests == 0 then
      -- Nothing left that may be sent: stop once every post sent has its answer, and until
      -- then send /healthz (not counted) on the connections that ask for more.
      exhausted = 1
      if answered >= sent then wrk.thread:stop() end
      return filler
    end
    position = 1
  end
  local r = requests[position]
  position = position + 1
  sent = sent + 1
  if first_us == 0 then first_us = now_us() end
  return r
end

function response(status, headers, body)
  if exhausted == 1 and status == 200 and body == "ok" then
    if answered >= sent then wrk.thread:stop() end
    return -- the /healthz filler sent while waiting for the last answers
  end
  answered = answered + 1
  last_us = now_us()
  if exhausted == 1 and answered >= sent then wrk.thread:stop() end
  local good
  if expect_3xx then
    local location = headers["Location"] or headers["location"] or ""
    good = status >= 300 and status < 400 and not location:find("/konto/login", 1, true)
  else
    good = status >= 200 and status < 300
  end
  if not good then
    bad = bad + 1
    if first_bad_status == 0 then first_bad_status = status end
    if status >= 300 and status < 400 then
      redirects = redirects + 1
    elseif status >= 400 and status < 500 then
      client_errors = client_errors + 1
    elseif status >= 500 then
      server_errors = server_errors + 1
    end
  end
end

function done(summary, latency, _requests)
  local total = {sent = 0, answered = 0, bad = 0, r3 = 0, r4 = 0, r5 = 0, exhausted = 0}
  local first, last, firstbad = 0, 0, 0
  local per_thread = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("sent")
    table.insert(per_thread, tostring(s))
    total.sent = total.sent + s
    total.answered = total.answered + thread:get("answered")
    total.bad = total.bad + thread:get("bad")
    total.r3 = total.r3 + thread:get("redirects")
    total.r4 = total.r4 + thread:get("client_errors")
    total.r5 = total.r5 + thread:get("server_errors")
    total.exhausted = total.exhausted + thread:get("exhausted")
    local f, l = thread:get("first_us"), thread:get("last_us")
    if f > 0 and (first == 0 or f < first) then first = f end
    if l > last then last = l end
    if firstbad == 0 then firstbad = thread:get("first_bad_status") end
  end
  local seconds = summary.duration / 1e6
  local busy = seconds
  if first > 0 and last > first then busy = (last - first) / 1e6 end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_s": %.3f, "rps": %.2f, "busy_s": %.3f, ' ..
    '"busy_rps": %.2f, "bytes": %d, "p50_ms": %.3f, "p90_ms": %.3f, "p95_ms": %.3f, ' ..
    '"p99_ms": %.3f, "mean_ms": %.3f, "max_ms": %.3f, "non2xx": %d, "redirects": %d, ' ..
    '"client_errors": %d, "server_errors": %d, "first_bad_status": %d, "sent": %d, ' ..
    '"answered": %d, "sent_per_thread": [%s], "exhausted_threads": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.requests / seconds, busy, total.answered / busy,
    summary.bytes, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000, total.bad, total.r3, total.r4, total.r5, firstbad,
    total.sent, total.answered, table.concat(per_thread, ", "), total.exhausted,
    e.connect, e.read, e.write, e.timeout))
end
