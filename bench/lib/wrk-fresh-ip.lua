-- wrk script: sends GET <path> with a `CF-Connecting-IP` from the IPv6 documentation prefix
-- 2001:db8::/32 (RFC 3849), so that the per-IP rate limiter does not reject requests with 429
-- during a load test. Arguments after `--`: the path, a session token for `Coder-Session-Token`
-- (empty for none), and the number of addresses to cycle through (0 or absent: a new address
-- per request).

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set('thread_number', thread_count)
end

local counter = 0
local path = '/'
local token = ''
local pool_size = 0

function init(args)
  path = args[1] or '/'
  token = args[2] or ''
  pool_size = tonumber(args[3] or '0') or 0
end

function request()
  counter = counter + 1
  local index = counter
  if pool_size > 0 then
    index = counter % pool_size
  end
  local headers = {
    ['CF-Connecting-IP'] = string.format(
      '2001:db8:%x:%x::%x',
      thread_number,
      math.floor(index / 65536),
      index % 65536
    ),
  }
  if token ~= '' then
    headers['Coder-Session-Token'] = token
  end
  return wrk.format('GET', path, headers)
end
