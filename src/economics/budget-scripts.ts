/**
 * The Lua scripts behind a budget: a project's (./project-budget.ts) and an account's monthly
 * spending cap (./user-spend.ts) use the same scripts on their own keys. Every change to a budget
 * is one script, so Redis runs it alone: no interleaving of parallel agents on any number of
 * workers sees a half-done change.
 *
 * Keys (one hash tag per budget — `{projectId}` or `{user:<userId>}` — so all four sit on one
 * cluster slot):
 *   KEYS[1] budget hash   {limit, spent, reserved, absorbed} in integer micro-dollars
 *   KEYS[2] reservations  hash callId → reserved amount
 *   KEYS[3] deadlines     sorted set callId → expiry (ms since epoch, Redis' clock)
 *   KEYS[4] settled       hash callId → amount charged (idempotent settle)
 *
 * Invariant kept by every script: spent + reserved ≤ limit, hence spent ≤ limit.
 *   reserve  admits an amount only if spent + reserved + amount ≤ limit; given a minimum, it
 *            admits what is free up to the amount when that is at least the minimum and no other
 *            call holds a reservation (the last cents of a budget, not a share of a busy one).
 *   extend   adds to a call's reservation only if spent + reserved + extra ≤ limit.
 *   settle   frees the call's reservation, then charges min(actual, max(limit − spent − reserved,
 *            held)): the real cost when it fits in what is free (always at least min(actual,
 *            reservation)), never more. What could not be charged is added to `absorbed` (the
 *            platform's loss).
 *   adjust   lowers a settled call's charge (never raises it): spent falls, absorbed grows.
 *   release  frees a reservation once; an unknown or already freed callId changes nothing.
 *   raise    sets a new limit (higher or lower), refused below spent + reserved.
 *   setlimit sets a new limit unconditionally: an admin lowering an account's cap below what it
 *            spent. Only then can spent + reserved exceed limit; reserve then refuses everything
 *            and settle still charges what each call in flight held (the `max(…, held)` above),
 *            never more.
 * `reserved` is always the sum of the reservations hash: both change in the same script.
 * Reservations of crashed callers expire (reserve purges up to 100 expired ones each time).
 *
 * One call is charged to two budgets, its project's and its owner's monthly cap. They live on two
 * slots (a Redis Cluster script may only touch one; the user's counters cannot sit under every
 * project's tag at once), so ./project-budget-guard.ts uses two scripts with compensation:
 *   reserve  project, then cap; when the cap refuses (or cannot be asked), release the project.
 *   settle   project and cap at once with the call's cost (charges c1 and c2, each what its own
 *            budget allows), then adjust the higher of the two down to min(c1, c2).
 * Neither limit can be exceeded under any interleaving: each keeps its own invariant in its own
 * atomic script, and the compensations only free or lower. The price: between the two steps a
 * project holds money the cap may refuse, so a parallel call on the same project can be refused
 * by a budget that is not really full (briefly, and only near a limit: refusing is the safe
 * side; likewise the budget that charged more holds the difference until its adjust, an instant
 * later); a process that dies between the steps leaves a hold until its reservation expires
 * (15 min), and one that dies between the settles and the adjust leaves the project or the cap
 * counting more than the ledger until rebuilt from PostgreSQL — never less.
 *
 * Numbers stay exact: amounts are below 2^53 (checked by the caller), Redis does the additions
 * (HINCRBY, 64-bit) and Lua numbers are formatted with %d, never tostring (which would print 1e+12);
 * HINCRBY refuses "-0", so a zero hold is never subtracted.
 * Status codes are the first element of every reply.
 */

const PRELUDE = `
local function int(n) return string.format('%d', n) end
local function state()
  local v = redis.call('HMGET', KEYS[1], 'limit', 'spent', 'reserved', 'absorbed')
  return tonumber(v[1]), tonumber(v[2]), tonumber(v[3]), tonumber(v[4] or '0')
end
local function unhold(held)
  if held ~= '0' then redis.call('HINCRBY', KEYS[1], 'reserved', '-' .. held) end
end
local function refresh(ttl)
  for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ttl) end
end
`;

/** ARGV[1] limit, ARGV[2] spent, ARGV[3] ttl s, ARGV[4] '1' to replace an existing budget (rebuild).
 * Returns {1, created 0|1}. Without replace it is HSETNX-like: an existing budget is left alone. */
export const INIT_SCRIPT = `${PRELUDE}
if ARGV[4] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return {1, 0} end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('HSET', KEYS[1], 'limit', ARGV[1], 'spent', ARGV[2], 'reserved', '0', 'absorbed', '0')
refresh(tonumber(ARGV[3]))
return {1, 1}
`;

/** ARGV[1] callId, ARGV[2] amount, ARGV[3] reservation ttl ms, ARGV[4] key ttl s, ARGV[5] the
 * least amount worth holding (optional; default the amount: all or nothing).
 * Returns {status, limit, spent, reserved, absorbed, held}; status 1 reserved (also when this callId
 * already holds a reservation), 0 refused, -1 no budget (initialise, then retry), 2 already settled;
 * held is what the call holds (the amount, or less when only the minimum or more was free). */
export const RESERVE_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  local held = redis.call('HGET', KEYS[2], id)
  if held then
    unhold(held)
    redis.call('HDEL', KEYS[2], id)
  end
  redis.call('ZREM', KEYS[3], id)
end
local limit, spent, reserved, absorbed = state()
if redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1 then return {2, int(limit), int(spent), int(reserved), int(absorbed), '0'} end
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return {1, int(limit), int(spent), int(reserved), int(absorbed), existing} end
local amount = tonumber(ARGV[2])
local minimum = tonumber(ARGV[5] or ARGV[2])
local free = limit - spent - reserved
-- Less than the amount is held only at the very end of a budget: when no other call holds money
-- that will come back (then the caller may wait for it instead).
if free < amount and (free < minimum or reserved > 0) then return {0, int(limit), int(spent), int(reserved), int(absorbed), '0'} end
if amount > free then amount = free end
if amount > 0 then redis.call('HINCRBY', KEYS[1], 'reserved', int(amount)) end
redis.call('HSET', KEYS[2], ARGV[1], int(amount))
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
refresh(tonumber(ARGV[4]))
return {1, int(limit), int(spent), int(reserved + amount), int(absorbed), int(amount)}
`;

/** ARGV[1] callId, ARGV[2] extra amount, ARGV[3] key ttl s. Returns {status, limit, spent,
 * reserved, absorbed}; status 1 the call now holds `extra` more, 0 refused (it does not fit, or
 * the call holds nothing: settled, released or expired), -1 no budget. */
export const EXTEND_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local limit, spent, reserved, absorbed = state()
local held = redis.call('HGET', KEYS[2], ARGV[1])
local extra = tonumber(ARGV[2])
if not held or spent + reserved + extra > limit then return {0, int(limit), int(spent), int(reserved), int(absorbed)} end
if extra > 0 then
  redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[2])
  redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2])
end
refresh(tonumber(ARGV[3]))
return {1, int(limit), int(spent), int(reserved + extra), int(absorbed)}
`;

/** ARGV[1] callId, ARGV[2] actual cost, ARGV[3] key ttl s.
 * Returns {status, charged, limit, spent, reserved, absorbed, held}; status 1 settled now,
 * 2 settled before (charged is the earlier charge, nothing changes), -1 no budget. */
export const SETTLE_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local before = redis.call('HGET', KEYS[4], ARGV[1])
if before then
  local limit, spent, reserved, absorbed = state()
  return {2, before, int(limit), int(spent), int(reserved), int(absorbed), '0'}
end
local held = redis.call('HGET', KEYS[2], ARGV[1]) or '0'
unhold(held)
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local limit, spent, reserved, absorbed = state()
local actual = tonumber(ARGV[2])
local free = limit - spent - reserved
if free < 0 then free = 0 end
local charged = math.min(actual, math.max(free, tonumber(held)))
if charged > 0 then redis.call('HINCRBY', KEYS[1], 'spent', int(charged)) end
if actual > charged then redis.call('HINCRBY', KEYS[1], 'absorbed', int(actual - charged)) end
redis.call('HSET', KEYS[4], ARGV[1], int(charged))
refresh(tonumber(ARGV[3]))
return {1, int(charged), int(limit), int(spent + charged), int(reserved), int(absorbed + actual - charged), held}
`;

/** ARGV[1] callId. Returns {status, limit, spent, reserved, absorbed}; status 1 freed, 0 nothing held, -1 no budget. */
export const RELEASE_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  unhold(held)
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
end
local limit, spent, reserved, absorbed = state()
return {held and 1 or 0, int(limit), int(spent), int(reserved), int(absorbed)}
`;

/** ARGV[1] new limit, ARGV[2] key ttl s. Returns {status, limit, spent, reserved, absorbed};
 * status 1 set, 0 refused (below spent + reserved), -1 no budget. */
export const RAISE_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local limit, spent, reserved, absorbed = state()
local wanted = tonumber(ARGV[1])
if wanted < spent + reserved then return {0, int(limit), int(spent), int(reserved), int(absorbed)} end
redis.call('HSET', KEYS[1], 'limit', ARGV[1])
refresh(tonumber(ARGV[2]))
return {1, ARGV[1], int(spent), int(reserved), int(absorbed)}
`;

/** ARGV[1] callId, ARGV[2] the call's final charge, ARGV[3] key ttl s. Returns {status, limit, spent,
 * reserved, absorbed}; status 1 lowered, 0 nothing to lower (unknown call, or charged that much or
 * less already: so it is idempotent), -1 no budget. */
export const ADJUST_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local before = tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '-1')
local final = tonumber(ARGV[2])
local limit, spent, reserved, absorbed = state()
if before <= final then return {0, int(limit), int(spent), int(reserved), int(absorbed)} end
local diff = before - final
redis.call('HINCRBY', KEYS[1], 'spent', int(-diff))
redis.call('HINCRBY', KEYS[1], 'absorbed', int(diff))
redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
refresh(tonumber(ARGV[3]))
return {1, int(limit), int(spent - diff), int(reserved), int(absorbed + diff)}
`;

/** ARGV[1] new limit, ARGV[2] key ttl s. Returns {status, limit, spent, reserved, absorbed};
 * status 1 set, -1 no budget. Unlike raise, never refused (see setlimit above). */
export const SET_LIMIT_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local limit, spent, reserved, absorbed = state()
redis.call('HSET', KEYS[1], 'limit', ARGV[1])
refresh(tonumber(ARGV[2]))
return {1, ARGV[1], int(spent), int(reserved), int(absorbed)}
`;

/** Returns {status, limit, spent, reserved, absorbed}; status -1 when there is no budget. */
export const SNAPSHOT_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local limit, spent, reserved, absorbed = state()
return {1, int(limit), int(spent), int(reserved), int(absorbed)}
`;
