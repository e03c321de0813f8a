-- bench/sign.lua — wrk script for bench/sign.sh: every request is a signing
-- form POST, exactly as a browser with JavaScript off sends it, with an email
-- address no other request uses (run id + thread id + per-thread counter), so
-- every one is a new signature that the server must commit durably before it
-- answers 303.
--
-- Environment (set by sign.sh):
--   SIGN_PATH    the form's target, such as /northgate-tenants/tell-the-courier/sign
--   SIGN_ACTION  the petition's action id (the form's hidden "action" field)
--   SIGN_TOKEN   a form token at least 3 s old (the hidden "token" field)
--   SIGN_RUN     a word unique to this run, so repeated runs never collide
--
-- A form token signs once per client (the server keeps a used-set keyed by
-- token and client address), so every request also names a client address
-- of its own in X-Real-IP, which the server believes from loopback
-- (sign.sh starts it with --client-ip-header X-Real-IP): one token, and
-- each request a different person, as when many people open the page in
-- the same second.
--
-- At the end it prints one line that sign.sh reads:
--   SIGN requests=N duration_s=S rps=R p50_ms=A p99_ms=B non303=C not_signed=D socket_errors=E statuses=...
-- non303 counts responses other than 303; not_signed counts 303s whose
-- Location is not the "signed" thank-you page (such as outcome=already).

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local path, prefix, suffix

function init(args)
  n = 0
  non303 = 0
  not_signed = 0
  s4xx = 0
  s5xx = 0
  s429 = 0
  s422 = 0
  s403 = 0
  path = os.getenv("SIGN_PATH")
  local action = os.getenv("SIGN_ACTION")
  local token = os.getenv("SIGN_TOKEN")
  local run = os.getenv("SIGN_RUN") or "run"
  if not path or not action or not token then
    error("sign.lua needs SIGN_PATH, SIGN_ACTION and SIGN_TOKEN")
  end
  prefix = "action=" .. action .. "&name=Bench+Signer&email=" .. run .. "-t" .. tid .. "-"
  suffix = "%40bench.example&consent=yes&token=" .. token .. "&homepage="
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  n = n + 1
  -- IPv4, since the server counts an IPv6 client by its /64.
  wrk.headers["X-Real-IP"] = string.format("%d.%d.%d.%d", 10 + tid, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", path, nil, prefix .. n .. suffix)
end

function response(status, headers, body)
  if status ~= 303 then
    non303 = non303 + 1
    if status == 429 then s429 = s429 + 1
    elseif status == 422 then s422 = s422 + 1
    elseif status == 403 then s403 = s403 + 1
    elseif status >= 500 then s5xx = s5xx + 1
    elseif status >= 400 then s4xx = s4xx + 1 end
  else
    local loc = headers["Location"] or headers["location"] or ""
    if not string.find(loc, "outcome=signed", 1, true) then
      not_signed = not_signed + 1
    end
  end
end

function done(summary, latency, requests)
  local t = {non303 = 0, not_signed = 0, s429 = 0, s422 = 0, s403 = 0, s4xx = 0, s5xx = 0}
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + (th:get(k) or 0)
    end
  end
  local e = summary.errors
  local sockerr = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
    "SIGN requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f non303=%d not_signed=%d socket_errors=%d statuses=429:%d,422:%d,403:%d,other4xx:%d,5xx:%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    t.non303, t.not_signed, sockerr, t.s429, t.s422, t.s403, t.s4xx, t.s5xx))
end
