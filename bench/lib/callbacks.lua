-- wrk script for gather callbacks (bench/run.sh).
--
--   wrk ... -s callbacks.lua http://127.0.0.1:PORT -- chain <pool-file> <threads>
--   wrk ... -s callbacks.lua http://127.0.0.1:PORT -- constant <path> <threads>
--
-- chain: every thread keeps a FIFO pool of (callId, next callback path) for its share of the seeded calls.
--   Each request takes one entry and posts {callId, dtmf, to:{channelId}} to that call's signed callback URL;
--   response() reads the answered verb, takes the next gather's `action` URL and the echoed channelId (the bench
--   sends channelId = callId so the answer names its call) and puts the call back at the end of the pool.
--   So every request is a fresh (call, gather, attempt) that nexaflow must commit, never a replay.
-- constant: the same request every time (baselines); response() does the same matching work, so the load
--   generator costs the same per request against every target.
--
-- Results (JSON) go to $BENCH_WRK_OUT; what is left in the pools to $BENCH_WRK_LEFT (the next phase goes on
-- with those calls); per call acknowledgements to $BENCH_WRK_ACKS ("callId count" lines) for the durability check.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local function push(id, path)
  tail = tail + 1
  ids[tail] = id
  paths[tail] = path
end

function init(args)
  mode = args[1] or "chain"
  nthreads = tonumber(args[3] or "1")
  ids, paths, head, tail = {}, {}, 1, 0
  acks = {}
  n_next, n_end, n_fallback, n_other, n_dry, n_constant = 0, 0, 0, 0, 0, 0
  if mode == "chain" then
    local i = 0
    for line in io.lines(args[2]) do
      if i % nthreads == tid then
        local id, url = line:match("^(%S+)%s+(%S+)$")
        if id then push(id, url:match("^https?://[^/]+(/.*)$") or url) end
      end
      i = i + 1
    end
  else
    const_path = args[2]
  end
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local id, path
  if mode == "chain" then
    if head > tail then
      -- Ran dry: the run is reported invalid. Send something harmless so wrk keeps its schedule.
      n_dry = n_dry + 1
      id, path = "dry", "/api/handle-dtmf?s=dry"
    else
      id, path = ids[head], paths[head]
      ids[head], paths[head] = nil, nil
      head = head + 1
    end
  else
    id, path = "c-bench", const_path
  end
  return wrk.format("POST", path, nil, '{"callId":"' .. id .. '","dtmf":"1","to":{"channelId":"' .. id .. '"}}')
end

function response(status, headers, body)
  if status ~= 200 then
    n_other = n_other + 1
    return
  end
  local action = body:match('"action":"(https?://[^"]*)"')
  local channel = body:match('"channelId":"([^"]*)"')
  if mode ~= "chain" then
    n_constant = n_constant + 1
  elseif action and channel then
    n_next = n_next + 1
    acks[channel] = (acks[channel] or 0) + 1
    push(channel, action:match("^https?://[^/]+(/.*)$"))
  elseif body:find("bench-fallback", 1, true) then
    n_fallback = n_fallback + 1
  else
    n_end = n_end + 1 -- the flow's last verb (play, hangup): the call is over
  end
end

local function json_number(v)
  if v == nil or v ~= v then return "null" end
  return string.format("%.3f", v)
end

function done(summary, latency, requests)
  local t = { next = 0, ended = 0, fallback = 0, other = 0, dry = 0, constant = 0 }
  local left = os.getenv("BENCH_WRK_LEFT")
  local ackfile = os.getenv("BENCH_WRK_ACKS")
  local lf = left and io.open(left, "w")
  local af = ackfile and io.open(ackfile, "w")
  for _, thread in ipairs(threads) do
    t.next = t.next + thread:get("n_next")
    t.ended = t.ended + thread:get("n_end")
    t.fallback = t.fallback + thread:get("n_fallback")
    t.other = t.other + thread:get("n_other")
    t.dry = t.dry + thread:get("n_dry")
    t.constant = t.constant + thread:get("n_constant")
    if lf then
      local tids, tpaths = thread:get("ids"), thread:get("paths")
      for i = thread:get("head"), thread:get("tail") do
        if tids[i] then lf:write(tids[i], " http://x", tpaths[i], "\n") end
      end
    end
    if af then
      for id, n in pairs(thread:get("acks")) do af:write(id, " ", n, "\n") end
    end
  end
  if lf then lf:close() end
  if af then af:close() end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local out = string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"answers":{"next":%d,"ended":%d,"fallback":%d,"non200":%d,"dry":%d,"constant":%d},' ..
    '"latencyMs":{"p50":%s,"p90":%s,"p99":%s,"p999":%s,"max":%s,"mean":%s,"stdev":%s}}',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    t.next, t.ended, t.fallback, t.other, t.dry, t.constant,
    json_number(latency:percentile(50) / 1000), json_number(latency:percentile(90) / 1000),
    json_number(latency:percentile(99) / 1000), json_number(latency:percentile(99.9) / 1000),
    json_number(latency.max / 1000), json_number(latency.mean / 1000), json_number(latency.stdev / 1000))
  local path = os.getenv("BENCH_WRK_OUT")
  if path then
    local f = io.open(path, "w")
    f:write(out, "\n")
    f:close()
  end
  io.write(out, "\n")
end
