-- SPDX-License-Identifier: AGPL-3.0-or-later
-- tests/bench/flood/login.lua: wrk hammering the sign-in form with a wrong password for an
-- account that does not exist (the daemon still runs Argon2 for it, so that timing does not
-- tell which accounts exist), with a valid-looking CSRF cookie and field; the script's argument
-- is a pause in ms before each request (default 0). At the end, one line:
--   FLOOD kind=login requests=N s401=… s503=… s429=… other=… errors=… p50_ms=… p99_ms=…
local token = string.rep("ab", 32)
wrk.method = "POST"
wrk.body = "csrf=" .. token .. "&username=nobody&password=not-the-password-1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "__Host-csrf=" .. token
wrk.headers["Accept"] = "application/json"

local pause = 0
function init(args)
	pause = tonumber(args[1] or "0") or 0
end

function delay()
	return pause
end

local threads = {}
function setup(thread)
	table.insert(threads, thread)
end

counts = {}
function response(status, headers, body)
	counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		for status, n in pairs(t:get("counts")) do
			total[status] = (total[status] or 0) + n
		end
	end
	local other = 0
	for status, n in pairs(total) do
		if status ~= 401 and status ~= 503 and status ~= 429 then
			other = other + n
		end
	end
	local e = summary.errors
	io.write(string.format(
		"FLOOD kind=login requests=%d s401=%d s503=%d s429=%d other=%d errors=%d " ..
		"p50_ms=%.1f p99_ms=%.1f\n", summary.requests, total[401] or 0, total[503] or 0,
		total[429] or 0, other, e.connect + e.read + e.write + e.timeout,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
