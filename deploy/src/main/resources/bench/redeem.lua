-- wrk script: each request redeems one of BENCH_LINKS seeded links (keys bench-1 .. bench-N) at random, counting
-- the 302s, so the run can be checked against the decrements the database recorded.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  links = tonumber(os.getenv("BENCH_LINKS"))
  redirects = 0
  others = 0
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  return wrk.format("GET", "/api/v2/shareable_links/bench-" .. math.random(1, links))
end

function response(status, headers, body)
  if status == 302 then redirects = redirects + 1 else others = others + 1 end
end

function done(summary, latency, requests)
  local r, o = 0, 0
  for _, thread in ipairs(threads) do
    r = r + thread:get("redirects")
    o = o + thread:get("others")
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d redirects=%d others=%d errors=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, r, o, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
