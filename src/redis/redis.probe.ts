import { Redis, type RedisOptions } from 'ioredis';

/** A start-up check asks once, within a couple of seconds, and never retries. */
const PROBE_TIMEOUT_MS = 2_000;
const PROBE: RedisOptions = { lazyConnect: true, connectTimeout: PROBE_TIMEOUT_MS, commandTimeout: PROBE_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null };

export type ProbeResult<T> = { answered: true; value: T } | { answered: false; error: Error };

/**
 * One throw-away connection to a Redis (by URL, or host, port and access) for
 * a start-up check: `ask` runs on it, and the answer or the error comes back.
 * A refused connection gives the reason Redis said (NOAUTH on ioredis's
 * HELLO), which ioredis reports only as an error event while connect()
 * rejects with "Connection is closed".
 */
export async function probeRedis<T>(where: string | RedisOptions, ask: (client: Redis) => Promise<T>): Promise<ProbeResult<T>> {
  const client = typeof where === 'string' ? new Redis(where, PROBE) : new Redis({ ...where, ...PROBE });
  let said: Error | undefined;
  client.on('error', (err: Error) => (said = err));
  let connected = false;
  try {
    await client.connect();
    connected = true;
    return { answered: true, value: await ask(client) };
  } catch (err) {
    return { answered: false, error: (!connected && said) || (err as Error) };
  } finally {
    client.disconnect();
  }
}
