-- wrk scenario: GET /api/v1/users/search?q=TERM&limit=20 where TERM matches no seeded user,
-- so the search cannot stop early at LIMIT and reads every row it may have to (the worst case
-- at 1,000,000 users). Self-contained; the terms are checked against the seed's names by
-- tests/unit/test_seed_rows.py.
--   wrk -t2 -c8 -d10s --latency -s tests/scale/search_miss.lua http://127.0.0.1:8101
-- Env: BENCH_LIMIT (20), BENCH_SEED (random base; default the clock).
local LIMIT = tonumber(os.getenv("BENCH_LIMIT") or "20")
local TERMS = { "qxz", "zzvq", "xqj", "jqx", "vqz", "qzk", "kxq", "zqw", "wqx", "xjv" }
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local base = tonumber(os.getenv("BENCH_SEED") or "") or os.time()
  math.randomseed(base + (thread_number or 0) * 104729)
end

function request()
  return wrk.format("GET", "/api/v1/users/search?q=" .. TERMS[math.random(1, #TERMS)] .. "&limit=" .. LIMIT)
end
