import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** Options for a private `redis-server` child process. */
export interface RedisServerOptions {
  /** Folder for the server's files (append-only file, dump). Created if missing. */
  dir: string;
  /** TCP port on 127.0.0.1. Default: a free port chosen by the OS. */
  port?: number;
  /** Keep an append-only file so nothing is lost on restart. Default: true. */
  appendOnly?: boolean;
  /** How long to wait for the server to answer PING. Default: 10 000 ms. */
  startTimeoutMs?: number;
  /** The executable to run, looked up on the PATH. Default: 'redis-server'. Tests name a missing one. */
  binary?: string;
  /** More arguments, after these defaults (a later one wins): e.g. `--cluster-enabled yes` for a cluster node. */
  extraArgs?: readonly string[];
}

/** A running private Redis: its URL and a way to stop it. */
export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Ends it at once with SIGKILL, as a crash would (failover tests); stop() then resolves when it has gone. */
  kill(): void;
}

/** Raised when no `redis-server` binary can be run on this machine. */
export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'No Redis is answering and `redis-server` is not on the PATH. ' +
        'Install Redis (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) ' +
        'or set REDIS_URL to a Redis you run (for example redis://127.0.0.1:6379).',
    );
    this.name = 'RedisServerMissingError';
  }
}

/** Asks the OS for a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

/** True when something at `url` answers PING within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Starts `redis-server` as a child process bound to 127.0.0.1, waits until it
 * answers, and returns a handle whose stop() shuts it down cleanly (SHUTDOWN
 * lets an append-only file finish its last write).
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const appendOnly = options.appendOnly ?? true;
  mkdirSync(options.dir, { recursive: true });
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', options.dir,
    '--save', '',
    '--appendonly', appendOnly ? 'yes' : 'no',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--loglevel', 'warning',
    ...(options.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(options.binary ?? 'redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new RedisServerMissingError() : err);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited early with code ${code}`)));
  });
  spawnFailure.catch(() => {});
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (!(await Promise.race([redisAnswers(url, 200), spawnFailure]))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer within the start timeout`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.removeAllListeners('exit');
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}
