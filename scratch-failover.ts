import { Cluster } from 'ioredis';
import { startRedisCluster } from './test/support/redis-cluster.js';
const c = await startRedisCluster();
console.log('up', c.nodes);
const client = new Cluster(c.seeds, { redisOptions: { maxRetriesPerRequest: 2 }, scaleReads: 'master' });
client.on('error', (e) => console.log('err event', e.message));
await client.set('{a}:x', '1');
const slot = Number(await client.cluster('KEYSLOT', '{a}:x'));
const slots = (await client.cluster('SLOTS')) as any[];
const owner = slots.find((s) => s[0] <= slot && slot <= s[1]);
const port = owner[2][1];
console.log('owner', port);
c.kill(port);
const t0 = Date.now();
for (let i = 0; i < 40; i++) {
  try { console.log(Date.now() - t0, 'get', await client.get('{a}:x')); if (i > 3) break; } catch (e: any) { console.log(Date.now() - t0, 'fail', e.message); }
  await new Promise((r) => setTimeout(r, 500));
}
await client.quit().catch(() => {});
await c.stop();
