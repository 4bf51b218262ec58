/**
 * The login throttle's two Lua scripts (see login-throttle.ts for the policy). Each runs atomically,
 * so parallel attempts from every API replica see one another: a burst of N requests can never
 * all pass a check that only the first of them should pass.
 *
 * Times are milliseconds on the API's clock (ARGV), counters expire on Redis's own clock (PEXPIRE).
 */

/**
 * ADMIT — may this attempt go ahead? If so it is counted as a failure now (before the password
 * is checked) and SUCCEED takes it back; counting later would let a burst of parallel guesses all
 * pass the check before the first of them fails.
 *
 * KEYS[1] pair hash {failures, until}   KEYS[2] failures per address (string, window TTL)
 * KEYS[3] failures per account (string)  KEYS[4] addresses that logged in to the account (zset, score = ms)
 * ARGV: 1 now, 2 free failures per pair, 3 first delay ms, 4 longest delay ms, 5 pair memory ms,
 *       6 window ms, 7 max failures per address, 8 max failures per account, 9 address id,
 *       10 how long a successful address stays known (ms)
 * Returns {1, 0} (admitted) or {0, wait ms, reason}, reason = pair | address | account.
 */
export const ADMIT = `
local now = tonumber(ARGV[1])
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if untilMs > now then return {0, untilMs - now, 'pair'} end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[7]) then
  return {0, math.max(redis.call('PTTL', KEYS[2]), 1), 'address'}
end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[8]) then
  local seen = redis.call('ZSCORE', KEYS[4], ARGV[9])
  if not seen or tonumber(seen) < now - tonumber(ARGV[10]) then
    return {0, math.max(redis.call('PTTL', KEYS[3]), 1), 'account'}
  end
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local free = tonumber(ARGV[2])
if failures >= free then
  local delay = math.min(tonumber(ARGV[3]) * 2 ^ (failures - free), tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'until', string.format('%.0f', now + delay))
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[6]) end
return {1, 0}
`;

/**
 * SUCCEED — the password was right: forget the pair, take back the failure ADMIT counted for the
 * address and the account, and remember the address as one the account logs in from.
 *
 * KEYS as ADMIT. ARGV: 1 now, 2 address id, 3 how long an address stays known (ms), 4 most addresses kept
 */
export const SUCCEED = `
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
local now = tonumber(ARGV[1])
redis.call('ZADD', KEYS[4], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[3]))
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PEXPIRE', KEYS[4], ARGV[3])
return 1
`;
