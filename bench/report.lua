-- wrk script for bench/run: prints one line "BENCH_RESULT {json}" with latency percentiles (ms),
-- requests per second and the number of responses that were not 2xx.
--
-- wrk itself only counts status >= 400 as errors (summary.errors.status). Here a 3xx is a failure
-- too: a redirect to the login page means the session cookie did not work. Each wrk thread has
-- its own Lua state, so the threads count in response() and done() adds their counts up.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  redirects = 0
  client_errors = 0
  server_errors = 0
  first_bad_status = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
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

function done(summary, latency, requests)
  local bad, r3, r4, r5, first = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    r3 = r3 + thread:get("redirects")
    r4 = r4 + thread:get("client_errors")
    r5 = r5 + thread:get("server_errors")
    if first == 0 then first = thread:get("first_bad_status") end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_s": %.3f, "rps": %.2f, "bytes": %d, ' ..
    '"p50_ms": %.3f, "p90_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, ' ..
    '"mean_ms": %.3f, "max_ms": %.3f, "non2xx": %d, "redirects": %d, ' ..
    '"client_errors": %d, "server_errors": %d, "first_bad_status": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000, bad, r3, r4, r5, first,
    e.connect, e.read, e.write, e.timeout))
end
