-- wrk script: logged-in users on the main pages (see benchmarks/loadtest.py).
-- Each line of the sessions file is "<sessionid> <path>": one logged-in user and the page
-- they open. Every request takes the next line, so 50 connections keep 50 users busy.
-- Any answer other than 200 (a redirect to the login page, a 403, a 500) is an error.
local lines = {}
local n, bad = 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)
end

function init(args)
  for line in io.lines(args[1]) do
    local sid, path = line:match("^(%S+)%s+(%S+)$")
    if sid then table.insert(lines, { sid, path }) end
  end
  n = offset or 0
end

function request()
  n = n % #lines + 1
  local l = lines[n]
  return wrk.format("GET", l[2], {
    ["Cookie"] = "sessionid=" .. l[1],
    ["X-Forwarded-Proto"] = "https",  -- as behind the TLS proxy of a real deployment
    ["Host"] = "127.0.0.1",
  })
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + (t:get("bad") or 0) end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "loadtest: requests=%d seconds=%.1f rps=%.1f non_200=%d socket_errors=%d " ..
    "p50_ms=%.0f p90_ms=%.0f p99_ms=%.0f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    errors, socket, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000))
end
