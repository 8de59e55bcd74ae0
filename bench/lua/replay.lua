-- Replays pre-signed requests, each line once per thread (then wraps and counts it).
-- wrk ... -s bench/lua/replay.lua URL -- FILE MODE NTHREADS [MARKER]
--   MODE twilio: lines "signature<TAB>body"            (X-Twilio-Signature)
--   MODE slack:  lines "timestamp<TAB>signature<TAB>body" (X-Slack-*)
-- Thread k of T takes lines k, k+T, k+2T ... so no two threads send the same body.
-- MARKER (optional): count the 2xx answers whose body contains this plain text.
-- done() prints one line: "BENCH-JSON {...}" with latency percentiles and counters.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local items = {}
local pos = 0
sent = 0
wrapped = 0
loaded = 0
marked = 0
local mode = "twilio"
local marker = nil
local headers = {}

function init(args)
   local path = args[1]
   mode = args[2] or "twilio"
   local nthreads = tonumber(args[3] or "1")
   if args[4] and args[4] ~= "" then
      marker = args[4]
   end
   local n = 0
   for line in io.lines(path) do
      if n % nthreads == id then
         items[#items + 1] = line
      end
      n = n + 1
   end
   loaded = #items
   headers["Content-Type"] = "application/x-www-form-urlencoded"
   if mode == "twilio" then
      headers["User-Agent"] = "TwilioProxy/1.1"
      headers["Accept"] = "*/*"
      headers["Cache-Control"] = "max-age=259200"
   else
      headers["User-Agent"] = "Slackbot 1.0 (+https://api.slack.com/robots)"
      headers["Accept"] = "application/json,*/*"
   end
end

function request()
   pos = pos + 1
   if pos > #items then
      pos = 1
      wrapped = wrapped + 1
   end
   sent = sent + 1
   local line = items[pos]
   local body
   if mode == "twilio" then
      local sig, rest = line:match("^([^\t]*)\t(.*)$")
      headers["X-Twilio-Signature"] = sig
      body = rest
   else
      local stamp, sig, rest = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      headers["X-Slack-Request-Timestamp"] = stamp
      headers["X-Slack-Signature"] = sig
      body = rest
   end
   return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
   if marker and status < 300 and body and body:find(marker, 1, true) then
      marked = marked + 1
   end
end

function done(summary, latency, requests)
   local t_sent, t_wrapped, t_loaded, t_marked = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      t_sent = t_sent + thread:get("sent")
      t_wrapped = t_wrapped + thread:get("wrapped")
      t_loaded = t_loaded + thread:get("loaded")
      t_marked = t_marked + thread:get("marked")
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH-JSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d," ..
      "\"connect_errors\":%d,\"read_errors\":%d,\"write_errors\":%d," ..
      "\"status_errors\":%d,\"timeouts\":%d," ..
      "\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f," ..
      "\"sent\":%d,\"wrapped\":%d,\"loaded\":%d,\"marked\":%d,\"threads\":%d}\n",
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, t_sent, t_wrapped, t_loaded, t_marked, #threads))
end
