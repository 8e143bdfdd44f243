/**
 * The Lua scripts behind RedisMemoryStore's writes. Each runs atomically in Redis and first sets
 * a write-id key with NX, so a write retried after a timeout (that did land) is applied once.
 */

/**
 * Appends one exchange. KEYS: turns, meta, votes, write id. ARGV: exchange JSON, exchanges to
 * keep, TTL ms, owner ('' = none), lastAnswer JSON with its `at` ('' = keep), updatedAt, write-id TTL ms.
 */
export const APPEND_SCRIPT = `
if not redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[7]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
if ARGV[4] ~= '' then redis.call('HSETNX', KEYS[2], 'owner', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], 'lastAnswer', ARGV[5]) end
redis.call('HSET', KEYS[2], 'updatedAt', ARGV[6])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1`;

/**
 * Records a vote. KEYS: meta, votes, turns, write id, feedback stream. ARGV: TTL ms, write-id TTL
 * ms, at, conversation, user, value, sids JSON, stream max length, then field/value pairs.
 */
export const VOTE_SCRIPT = `
if not redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[2]) then return 0 end
for i = 9, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[3])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[8], '*',
  'conversation', ARGV[4], 'user', ARGV[5], 'value', ARGV[6], 'sids', ARGV[7], 'at', ARGV[3])
return 1`;

/**
 * Converts a sidbot 0.1 conversation (one keyv JSON value) if it is still the value the caller
 * read. KEYS: legacy, turns, meta, votes. ARGV: the legacy value, TTL ms, exchanges to keep,
 * owner, lastAnswer JSON, updatedAt, exchange count N, N exchange JSONs, then vote field/value
 * pairs. Old turns go before newer ones; the old owner stays; newer lastAnswer and votes win.
 */
export const MIGRATE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[7])
for i = n, 1, -1 do redis.call('LPUSH', KEYS[2], ARGV[7 + i]) end
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], 'owner', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSETNX', KEYS[3], 'lastAnswer', ARGV[5]) end
redis.call('HSETNX', KEYS[3], 'updatedAt', ARGV[6])
for i = 8 + n, #ARGV, 2 do redis.call('HSETNX', KEYS[4], ARGV[i], ARGV[i + 1]) end
redis.call('DEL', KEYS[1])
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1`;

/**
 * Puts SIDs at the front of a person's recent list. KEYS: the list. ARGV: entries to keep, TTL ms,
 * then the SIDs best first. Pushed last-to-first so the best ends up first; LREM first keeps each
 * SID once. Replaying it (after an outage) gives the same list, so it needs no write id.
 */
export const RECENT_SCRIPT = `
for i = #ARGV, 3, -1 do
  redis.call('LREM', KEYS[1], 0, ARGV[i])
  redis.call('LPUSH', KEYS[1], ARGV[i])
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;
