-- wrk script: each request redeems one of BENCH_LINKS seeded links (keys bench-1 .. bench-N) or share tokens,
-- counting the 302s (served), so the run can be checked against the downloads the database recorded. BENCH_KEYS
-- picks the key: uniform (at random, the default), hot (always bench-1) or zipf (bench-k with probability
-- proportional to 1/k^1.1, as pgbench's random_zipfian). BENCH_ROUTE picks the public GET: links (the default),
-- tokens (share tokens' /share/bench-k.bin), or misses (the control: a link key too long to exist, refused from
-- memory with 404 or 429; those answers are what it counts instead of 302s).
-- With BENCH_RATE_PER_THREAD set, each wrk thread sends that many requests a second on a fixed schedule (an open
-- loop, as pgbench --rate does): a connection waits for its request's slot, and a late answer does not push the
-- schedule back.
local threads = {}
local ratePerThread = tonumber(os.getenv("BENCH_RATE_PER_THREAD") or "0")

function setup(thread)
  table.insert(threads, thread)
end

local keys = os.getenv("BENCH_KEYS") or "uniform"
local route = os.getenv("BENCH_ROUTE") or "links"
local missedKey = string.rep("k", 129)
local zipfCumulative = {}

function init(args)
  links = tonumber(os.getenv("BENCH_LINKS"))
  served = 0
  others = 0
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  if keys == "zipf" then
    local total = 0
    for k = 1, links do
      total = total + k ^ -1.1
      zipfCumulative[k] = total
    end
  end
end

local function zipfLink()
  local target = math.random() * zipfCumulative[links]
  local low, high = 1, links
  while low < high do
    local middle = math.floor((low + high) / 2)
    if zipfCumulative[middle] < target then low = middle + 1 else high = middle end
  end
  return low
end

function request()
  if route == "misses" then return wrk.format("GET", "/api/v2/shareable_links/" .. missedKey) end
  local link
  if keys == "hot" then link = 1 elseif keys == "zipf" then link = zipfLink() else link = math.random(1, links) end
  if route == "tokens" then return wrk.format("GET", "/share/bench-" .. link .. ".bin") end
  return wrk.format("GET", "/api/v2/shareable_links/bench-" .. link)
end

if ratePerThread > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *now);
  ]]
  local now = ffi.new("bench_timespec")
  local function nowMs()
    ffi.C.clock_gettime(1, now) -- CLOCK_MONOTONIC
    return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
  end
  local interval = 1000 / ratePerThread
  local nextSlot = nil

  -- called before each request of every connection of this thread: the wait until the thread's next free slot
  function delay()
    local at = nowMs()
    nextSlot = (nextSlot or at) + interval
    return math.max(0, math.floor(nextSlot - at))
  end
end

local function expected(status)
  if route == "misses" then return status == 404 or status == 429 end
  return status == 302
end

function response(status, headers, body)
  if expected(status) then served = served + 1 else others = others + 1 end
end

function done(summary, latency, requests)
  local r, o = 0, 0
  for _, thread in ipairs(threads) do
    r = r + thread:get("served")
    o = o + thread:get("others")
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d served=%d others=%d errors=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, r, o, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
