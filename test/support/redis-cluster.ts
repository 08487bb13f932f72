// A Redis Cluster of the test's own on loopback: six redis-server processes
// (three masters, three replicas) with a short node timeout, joined by
// `redis-cli --cluster create`, as STACK.md describes. For the tests that run
// the box office on a cluster; stopped afterwards, files in a temporary folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../src/redis/redis-server.process.js';
import { realClockEnv } from './dates.js';

const run = promisify(execFile);

export interface RedisClusterHandle {
  /** `host:port` of every node, masters and replicas: what REDIS_CLUSTER_NODES takes. */
  nodes: string[];
  /** The nodes as ioredis's Cluster takes them. */
  seeds: Array<{ host: string; port: number }>;
  /** SIGKILLs one node (a failover test kills a master). */
  kill(port: number): void;
  /** Starts a killed node again on its port and folder: it rejoins, as a replica of the node that took over. Resolves once every node is ok and synced. */
  restart(port: number): Promise<void>;
  /** The port of the master serving `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  /** Milliseconds before a silent node is failed over. @default 2000 */
  nodeTimeoutMs?: number;
  /** Longest wait for every node to report cluster_state:ok. @default 30000 */
  readyTimeoutMs?: number;
  /** A password every node asks for (requirepass) and replicas give their master (masterauth), as a managed cluster has. */
  password?: string;
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'box-office-cluster-'));
  const servers: RedisServerHandle[] = [];
  const stopAll = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Node i's files stay in node-i, so a restarted node keeps its identity (nodes.conf) and rejoins.
    const nodeOptions = (i: number, port?: number) => ({
      dir: join(dir, `node-${i}`),
      port,
      appendOnly: true,
      extraArgs: [
        '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, `node-${i}`, 'nodes.conf'),
        '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 2_000),
        // A replica's first sync otherwise waits 5 s for more replicas to share it; until then it has no data and cannot take over.
        '--repl-diskless-sync-delay', '0',
      ],
    });
    for (let i = 0; i < 6; i += 1) servers.push(await startRedisServer(nodeOptions(i)));
    const nodes = servers.map((server) => `127.0.0.1:${server.port}`);
    // redis-cli, like redis-server, cannot run under libfaketime (the clock-ahead run): it gets the real clock.
    // The password is set once a node answers (startRedisServer's PING has none to give).
    await Promise.all(servers.map((server) => protect(server, options.password)));
    const auth = options.password ? ['-a', options.password, '--no-auth-warning'] : [];
    await run('redis-cli', [...auth, '--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000, env: realClockEnv() });
    await everyNodeOk(servers, options.readyTimeoutMs ?? 30_000, options.password);
    return {
      nodes,
      seeds: servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
      kill(port) {
        const server = servers.find((candidate) => candidate.port === port);
        if (!server) throw new Error(`no cluster node on port ${port}`);
        server.kill();
      },
      async restart(port) {
        const i = servers.findIndex((candidate) => candidate.port === port);
        if (i < 0) throw new Error(`no cluster node on port ${port}`);
        await servers[i]!.stop();
        servers[i] = await startRedisServer(nodeOptions(i, port));
        await protect(servers[i]!, options.password);
        await everyNodeOk(servers, options.readyTimeoutMs ?? 30_000, options.password);
      },
      async masterOf(key) {
        for (const server of servers) {
          const client = new Redis(server.url, { password: options.password, maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
          client.on('error', () => {});
          try {
            await client.connect();
            const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
            const slots = (await client.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
            const owner = slots.find(([from, to]) => slot >= from && slot <= to);
            if (owner) return owner[2][1];
          } catch {
            // a node that is down: ask the next
          } finally {
            client.disconnect();
          }
        }
        throw new Error(`no node knows who serves ${key}`);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Makes a node ask for `password` and give it to its master, as a managed cluster's nodes do. */
async function protect(server: RedisServerHandle, password: string | undefined): Promise<void> {
  if (!password) return;
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    await client.config('SET', 'masterauth', password);
    await client.config('SET', 'requirepass', password);
  } finally {
    client.disconnect();
  }
}

/**
 * Waits until every node says the cluster is ok (all slots served) and sees
 * three replicas: `--cluster create` makes the replicas after the slots, so
 * "ok" alone can still be six masters, and a failover would then lose data.
 */
async function everyNodeOk(servers: readonly RedisServerHandle[], timeoutMs: number, password?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(servers.map((server) => clusterState(server.url, password)));
    if (states.every((state) => state === 'ok 3')) return;
    if (Date.now() > deadline) throw new Error(`the cluster did not become ok within ${timeoutMs} ms: ${states.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function clusterState(url: string, password?: string): Promise<string> {
  const client = new Redis(url, { password, maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = (await client.call('CLUSTER', 'INFO')) as string;
    const nodes = (await client.call('CLUSTER', 'NODES')) as string;
    const replicas = nodes.split('\n').filter((line) => /\bslave\b/.test(line)).length;
    // A replica counts once it has synced: one that never did would refuse to take over.
    const replication = await client.info('replication');
    const synced = !/role:slave/.test(replication) || /master_link_status:up/.test(replication);
    return `${/cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown'} ${replicas}${synced ? '' : ' unsynced'}`;
  } catch {
    return 'unreachable';
  } finally {
    client.disconnect();
  }
}
