// What the log says while Redis is away: once when it goes, at most once a
// minute while it stays away, once when every connection has it back.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isConnectionError, RedisOutageLog } from '../src/redis/redis.outage-log.js';

function recordingLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' });
}

describe('RedisOutageLog', () => {
  it('says once that Redis is away, again at most once a minute, and once that it is back', async () => {
    let now = 0;
    const { log, lines } = recordingLog();
    const outages = new RedisOutageLog(log, '127.0.0.1:6390', { now: () => now });
    // Two connections of one process, as the commands and the queues have; stand-ins that emit as ioredis does.
    const commands = outages.watch(new EventEmitter() as unknown as Redis, 'commands');
    const queues = outages.watch(new EventEmitter() as unknown as Redis, 'queues');
    for (let second = 0; second < 150; second += 1) {
      now = second * 1000;
      commands.emit('error', refused());
      queues.emit('error', refused());
    }
    commands.emit('ready');
    queues.emit('ready');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => line.msg)).toEqual([
      'Redis at 127.0.0.1:6390 is unreachable (connect ECONNREFUSED 127.0.0.1:6390): retrying every second; requests that need it fail until it is back',
      'Redis at 127.0.0.1:6390 is still unreachable after 60 s (connect ECONNREFUSED 127.0.0.1:6390)',
      'Redis at 127.0.0.1:6390 is still unreachable after 120 s (connect ECONNREFUSED 127.0.0.1:6390)',
      'Redis at 127.0.0.1:6390 is back after 149 s',
    ]);
  });

  it('says it is back only when every connection that lost it has it again, and nothing for a first connect', async () => {
    const { log, lines } = recordingLog();
    const outages = new RedisOutageLog(log, 'redis:6379');
    const commands = outages.watch(new EventEmitter() as unknown as Redis, 'commands');
    const queues = outages.watch(new EventEmitter() as unknown as Redis, 'queues');
    commands.emit('ready');
    commands.emit('error', refused());
    queues.emit('error', refused());
    commands.emit('ready');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    queues.emit('ready');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => line.msg)).toEqual([expect.stringContaining('is unreachable'), 'Redis at redis:6379 is back after 0 s']);
  });

  it('tells a connection error from other errors', () => {
    expect(isConnectionError(refused())).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error('ERR unknown command'))).toBe(false);
  });
});
