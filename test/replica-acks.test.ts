// Writes confirmed by a replica before they are acknowledged (src/redis/replica-acks.ts),
// on a Redis master with a replica of its own, and the bot's replies held back
// when no replica confirms (src/bot/replicated-replies.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestAdapter, type Activity } from 'botbuilder';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_SAVED_REPLY, ReplicatedReplies } from '../src/bot/replicated-replies.js';
import { ReplicaAcks, ReplicaNotConfirmedError, type WriteConfirmation } from '../src/redis/replica-acks.js';
import { startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import { eventually } from './support/box-office.harness.js';

let dir: string;
let master: RedisServerHandle;
let replica: RedisServerHandle;
let alone: RedisServerHandle;
const clients: Redis[] = [];

function client(server: RedisServerHandle): Redis {
  const connection = new Redis(server.url, { maxRetriesPerRequest: 1 });
  clients.push(connection);
  return connection;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'box-office-replica-'));
  const debug = ['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0'];
  [master, replica, alone] = await Promise.all([
    startRedisServer({ dir: join(dir, 'master'), appendOnly: false, extraArgs: debug }),
    startRedisServer({ dir: join(dir, 'replica'), appendOnly: false, extraArgs: debug }),
    startRedisServer({ dir: join(dir, 'alone'), appendOnly: false }),
  ]);
  await client(replica).replicaof('127.0.0.1', master.port);
  await eventually(async () => ((await client(replica).info('replication')).includes('master_link_status:up') ? true : undefined), 10_000, 'the replica syncs');
}, 30_000);

afterAll(async () => {
  for (const connection of clients) connection.disconnect();
  await Promise.all([master, replica, alone].map((server) => server?.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('confirming writes on a replica', () => {
  it('returns once the replica has what this connection wrote', async () => {
    const redis = client(master);
    const acks = new ReplicaAcks(redis);
    await redis.set('held', 'yes');
    await acks.confirm();
    // Confirmed means there: read straight from the replica.
    expect(await client(replica).get('held')).toBe('yes');
  });

  it('refuses to confirm when the replica does not answer in time, and confirms again once it does', async () => {
    const redis = client(master);
    const acks = new ReplicaAcks(redis, { timeoutMs: 300 });
    await acks.confirm();
    const asleep = client(replica).debug('SLEEP', '1.5');
    // Let the replica begin its sleep before the write it must miss.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await redis.set('paid', 'yes');
    await expect(acks.confirm()).rejects.toBeInstanceOf(ReplicaNotConfirmedError);
    await asleep;
    await acks.confirm();
    expect(await client(replica).get('paid')).toBe('yes');
  });

  it('waits for nothing on a Redis without replicas (a laptop, a test run)', async () => {
    const redis = client(alone);
    const acks = new ReplicaAcks(redis, { timeoutMs: 60_000 });
    await redis.set('k', 'v');
    // With WAIT on a node without replicas this would block for the whole minute and fail the test's timeout.
    await acks.confirm();
    expect(await redis.get('k')).toBe('v');
  });
});

describe('replies held back until a replica has the turn', () => {
  async function replyTo(writes: WriteConfirmation): Promise<Partial<Activity>[]> {
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity({ type: 'typing' });
      await context.sendActivity({ text: 'Holding 2 seats in Section 101: pay at https://pay.example/BX-1', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Cancel', value: 'cancel' }] } });
    }).use(new ReplicatedReplies(writes, pino({ level: 'silent' })));
    await adapter.send('2 tickets');
    return adapter.activeQueue.splice(0);
  }

  it('sends the reply when the writes are confirmed, and waits for them before a message (not before typing)', async () => {
    let confirmations = 0;
    const sent = await replyTo({ confirm: async () => void (confirmations += 1) });
    expect(sent.map((activity) => activity.text ?? activity.type)).toEqual(['typing', 'Holding 2 seats in Section 101: pay at https://pay.example/BX-1']);
    expect(confirmations).toBe(1);
  });

  it('says it could not save the message instead, with no link or buttons, when no replica confirms', async () => {
    const sent = await replyTo({ confirm: async () => Promise.reject(new ReplicaNotConfirmedError('127.0.0.1:1')) });
    const messages = sent.filter((activity) => activity.type === 'message');
    expect(messages.map((activity) => activity.text)).toEqual([NOT_SAVED_REPLY]);
    expect(messages[0]!.suggestedActions).toBeUndefined();
    expect(messages[0]!.conversation?.id).toBeTruthy();
  });
});
