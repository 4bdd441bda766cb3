-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script for tests/bench/federation.sh: the full-speed emitter. Each POST publishes one
-- news item on /staff/news (action=publish, a title unique per request), which is one event
-- on the official side. The threads together send exactly FED_COUNT posts: each takes its
-- share; a connection that asks for more gets a harmless GET /healthz, held back a second
-- (delay()), and the thread stops once all its posts are answered. The script running wrk
-- watches the origin's log, posts anything lost on a socket itself, and interrupts wrk.
--
-- Environment: FED_COOKIE (Cookie header of a signed-in staff session), FED_CSRF (its CSRF
-- token), FED_COUNT (posts in all), FED_THREADS (wrk -t), FED_PREFIX (title prefix).

local cookie = os.getenv("FED_COOKIE")
local csrf = os.getenv("FED_CSRF")
local total = tonumber(os.getenv("FED_COUNT"))
local nthreads = tonumber(os.getenv("FED_THREADS"))
local prefix = os.getenv("FED_PREFIX") or "wrk"

local created = 0
function setup(thread)
	created = created + 1
	thread:set("tid", created)
end

local quota, sent, posted = 0, 0, 0
-- wrk 4.1 calls request() once on the first thread's state before the run, only to check
-- what it returns; that call must not use up a post
local checking = false
local text = ("Texte+de+banc+d%27essai+%3A+la+commune+publie+une+actualit%C3%A9%2C+le+site+" ..
	"citoyen+la+re%C3%A7oit+sign%C3%A9e+et+la+met+en+miroir.+"):rep(2)

function init(args)
	quota = math.floor(total / nthreads)
	if tid <= total % nthreads then
		quota = quota + 1
	end
	checking = tid == 1
	wrk.headers["Cookie"] = cookie
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local function post(n)
	local body = "csrf=" .. csrf .. "&title_fr=" .. prefix .. "+" .. tid .. "-" .. n ..
		"&body_fr=" .. text .. "%28" .. n .. "%29&action=publish"
	return wrk.format("POST", "/staff/news", nil, body)
end

function delay()
	if sent >= quota then
		return 1000
	end
	return 0
end

function request()
	if checking then
		checking = false
		return post(0)
	end
	if sent >= quota then
		return wrk.format("GET", "/healthz")
	end
	sent = sent + 1
	return post(sent)
end

function response(status, headers, body)
	if status == 303 then
		posted = posted + 1
		if posted >= quota then
			wrk.thread:stop()
		end
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"WRK requests=%d duration_s=%.3f p50_ms=%.3f p99_ms=%.3f errors_4xx5xx=%d " ..
		"socket_errors=%d\n",
		summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
		latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
