-- SPDX-License-Identifier: MIT
-- bench/serve.lua: the wrk script of bench/serve.
--
-- Every request asks /api/v1/check for the next address of the file named
-- by SERVE_ADDRS (one address a line), cycling; each wrk thread starts at
-- its own place in the file (a prime stride apart), so the threads ask
-- different addresses.
-- mxdiag serve has no DNS cache: every request is a PTR lookup plus, when
-- the address has a PTR, the reverse zone's SOA and the PTR name's A.
--
-- With SERVE_TALLY=1 a response hook counts the answers by HTTP status
-- and done() prints one "status CODE COUNT" line per code (wrk hands each
-- body to Lua then, which costs it CPU: the throughput runs leave it off
-- and read wrk's own "Non-2xx or 3xx responses" line instead).
local addrs = {}
for line in io.lines(os.getenv("SERVE_ADDRS")) do
	if line ~= "" then addrs[#addrs + 1] = line end
end
local nthreads = 0
local threads = {}

function setup(thread)
	thread:set("tid", nthreads)
	nthreads = nthreads + 1
	threads[nthreads] = thread
end

local counter = 0

function init(args)
	-- tid is set by setup() before init() runs in the thread.
	counter = tid * 104729
	statuses = {}
end

function request()
	counter = counter + 1
	return wrk.format("GET", "/api/v1/check?target=" ..
		addrs[(counter % #addrs) + 1] .. "&no_smtp=true")
end

if os.getenv("SERVE_TALLY") == "1" then
	function response(status, headers, body)
		statuses[status] = (statuses[status] or 0) + 1
	end
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		local s = t:get("statuses")
		if s ~= nil then
			for code, n in pairs(s) do
				total[code] = (total[code] or 0) + n
			end
		end
	end
	for code, n in pairs(total) do
		io.write(string.format("status %d %d\n", code, n))
	end
end
