-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script for tests/bench/federation.sh: full-speed emitter. Every request POSTs one news
-- item to /staff/news (action=publish, a title unique per request), which is one event on the
-- official side. Together the threads send exactly FED_COUNT posts: each thread takes its
-- share, holds back any further request (delay()) and stops once its last answer is in.
-- The script that runs wrk watches the origin's log and interrupts wrk when all are stored.
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

local quota, sent, answered = 0, 0, 0
local text = ("Texte+de+banc+d%27essai+%3A+la+commune+publie+une+actualit%C3%A9%2C+le+site+" ..
	"citoyen+la+re%C3%A7oit+sign%C3%A9e+et+la+met+en+miroir.+"):rep(2)

function init(args)
	quota = math.floor(total / nthreads)
	if tid <= total % nthreads then
		quota = quota + 1
	end
	wrk.headers["Cookie"] = cookie
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function delay()
	-- past this thread's share, hold the connection back: the thread stops before it fires
	if sent >= quota then
		return 600000
	end
	return 0
end

function request()
	sent = sent + 1
	local body = "csrf=" .. csrf .. "&title_fr=" .. prefix .. "+" .. tid .. "-" .. sent ..
		"&body_fr=" .. text .. "%28" .. sent .. "%29&action=publish"
	return wrk.format("POST", "/staff/news", nil, body)
end

function response(status, headers, body)
	answered = answered + 1
	if answered >= quota then
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"WRK requests=%d duration_s=%.3f p50_ms=%.3f p99_ms=%.3f non2xx3xx=%d errors=%d\n",
		summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
		latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
