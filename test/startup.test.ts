// The real entry point, run as an operator runs it: a child process with an
// environment built from scratch. A bad setting or a bad catalog stops it with
// one clear line; so does NODE_ENV=production with anything unsafe (demo
// checkout, unsigned webhooks, an anonymous Bot Framework endpoint, no staff
// token, plain http, a Redis that keeps nothing on disk); a good start answers
// /healthz and /readyz; SIGTERM and SIGINT stop it cleanly; with Redis
// unreachable it still starts and says "not ready".
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import { clockEnv } from './support/dates.js';
import { testRedisUrl } from './support/redis.js';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
/** Long enough for tsx to load the whole stack on a busy 2-core machine; only there to avoid hangs. */
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = START_TIMEOUT_MS + STOP_TIMEOUT_MS + 15_000;

interface BoxOfficeProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

const running: BoxOfficeProcess[] = [];
const tempDirs: string[] = [];

afterEach(() => {
  // A test that failed half-way must not leave a box office running.
  for (const proc of running.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  }
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** `node --import tsx src/main.ts` with only PATH, HOME, the test's clock and `env`. */
function runBoxOffice(env: Record<string, string>): BoxOfficeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...clockEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const proc = { child, stdout: () => out, stderr: () => err, exited };
  running.push(proc);
  return proc;
}

/** Waits for the process to end; fails (and kills it) if it is still running after `ms`. */
async function exitOf(proc: BoxOfficeProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === 'still running') {
    proc.child.kill('SIGKILL');
    throw new Error(`the box office was still running ${ms} ms later.\nlog tail:\n${proc.stdout().slice(-2_000)}\nstderr tail:\n${proc.stderr().slice(-1_000)}`);
  }
  return result;
}

/** The JSON log lines written so far. */
function logLines(proc: BoxOfficeProcess): Array<{ level: number; msg: string; [field: string]: unknown }> {
  return proc
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

/** Waits until the log says the web role is listening. */
async function listening(proc: BoxOfficeProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!logLines(proc).some((line) => line.msg.startsWith('box office listening on'))) {
    if (proc.child.exitCode !== null) throw new Error(`the box office exited with ${proc.child.exitCode}:\n${proc.stderr()}`);
    if (Date.now() > deadline) throw new Error(`the box office did not start:\n${proc.stdout()}\n${proc.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The lines a failed start printed on stderr (without the trailing newline). */
function stderrLines(proc: BoxOfficeProcess): string[] {
  return proc.stderr().replace(/\n$/, '').split('\n');
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'box-office-startup-'));
  tempDirs.push(dir);
  return dir;
}

async function baseEnv(): Promise<{ REDIS_URL: string; PORT: string; LOG_LEVEL: string }> {
  return { REDIS_URL: testRedisUrl(), PORT: String(await freePort()), LOG_LEVEL: 'info' };
}

describe('a start-up that cannot work stops with one clear line', { timeout: TEST_TIMEOUT_MS }, () => {
  it.each([
    ['a Redis without cluster mode', async () => `127.0.0.1:${new URL(testRedisUrl()).port}`, /^Configuration error: REDIS_CLUSTER_NODES names 127\.0\.0\.1:\d+, which is a Redis without cluster mode/],
    ['nodes where nothing answers', async () => `127.0.0.1:${await freePort()},127.0.0.1:${await freePort()}`, /^Configuration error: no node of the Redis Cluster at 127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+ \(REDIS_CLUSTER_NODES\) answered$/],
    ['something that is not host:port', async () => 'redis://cache:6379', /^Configuration error: REDIS_CLUSTER_NODES must be comma-separated host:port seed nodes/],
  ])('REDIS_CLUSTER_NODES naming %s: exit code 1 and one line', async (_what, nodes, line) => {
    const proc = runBoxOffice({ ...(await baseEnv()), REDIS_CLUSTER_NODES: await nodes() });

    expect(await exitOf(proc, START_TIMEOUT_MS)).toBe(1);
    const lines = stderrLines(proc);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('PORT=abc: exit code 1 and one line naming PORT', async () => {
    const proc = runBoxOffice({ ...(await baseEnv()), PORT: 'abc' });

    expect(await exitOf(proc, START_TIMEOUT_MS)).toBe(1);
    const lines = stderrLines(proc);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Configuration error: PORT must be a whole number between 1 and 65535$/);
    expect(proc.stdout()).toBe('');
  });

  it('a catalog with a bad price: exit code 1 and one line naming the file and the field', async () => {
    const sample = JSON.parse(readFileSync(join(PROJECT, 'catalog', 'sample-events.json'), 'utf8')) as {
      events: Array<{ sections: Array<{ price: unknown }> }>;
    };
    sample.events[0]!.sections[0]!.price = '1500.00';
    const catalogPath = join(tempDir(), 'events.json');
    writeFileSync(catalogPath, JSON.stringify(sample, null, 2));

    const proc = runBoxOffice({ ...(await baseEnv()), CATALOG_PATH: catalogPath });

    expect(await exitOf(proc, START_TIMEOUT_MS)).toBe(1);
    const lines = stderrLines(proc);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(catalogPath);
    expect(lines[0]).toContain('events[0].sections[0].price');
    expect(lines[0]).not.toMatch(/\bat \S+:\d+:\d+/); // no stack frame
  });

  it('NODE_ENV=production without a Stripe key: exit code 1 and one line naming STRIPE_SECRET_KEY', async () => {
    const proc = runBoxOffice({ ...(await baseEnv()), NODE_ENV: 'production' });

    expect(await exitOf(proc, START_TIMEOUT_MS)).toBe(1);
    const lines = stderrLines(proc);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Configuration error: STRIPE_SECRET_KEY /);
    expect(lines[0]).toContain('NODE_ENV=production');
  });
});

describe('NODE_ENV=production', { timeout: TEST_TIMEOUT_MS }, () => {
  let persistent: RedisServerHandle;

  beforeAll(async () => {
    persistent = await startRedisServer({ dir: tempDir(), appendOnly: true });
  });

  afterAll(async () => {
    await persistent?.stop();
  });

  /** Everything production needs, Stripe and Twilio pointed at ports where nothing listens (start-up never calls them). */
  async function safeProduction(): Promise<Record<string, string> & { PORT: string }> {
    return {
      ...(await baseEnv()),
      NODE_ENV: 'production',
      REDIS_URL: persistent.url,
      PUBLIC_BASE_URL: 'https://tickets.example.test',
      STRIPE_SECRET_KEY: 'sk_test_startup',
      STRIPE_WEBHOOK_SECRET: 'whsec_startup',
      STRIPE_API_URL: `http://127.0.0.1:${await freePort()}`,
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'startup-twilio-token',
      TWILIO_FROM_NUMBER: '+15550000000',
      TWILIO_API_URL: `http://127.0.0.1:${await freePort()}`,
      MicrosoftAppId: 'startup-app-id',
      MicrosoftAppPassword: 'startup-app-password',
      STAFF_API_TOKEN: 'startup-staff-token-0123456789',
    };
  }

  function without(env: Record<string, string>, ...names: string[]): Record<string, string> {
    return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
  }

  it.each([
    ['an anonymous Bot Framework endpoint', (env: Record<string, string>) => without(env, 'MicrosoftAppId', 'MicrosoftAppPassword'), 'MicrosoftAppId'],
    ['no Stripe webhook secret', (env: Record<string, string>) => without(env, 'STRIPE_WEBHOOK_SECRET'), 'STRIPE_WEBHOOK_SECRET'],
    ['no Twilio signing secret', (env: Record<string, string>) => without(env, 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'), 'TWILIO_AUTH_TOKEN'],
    ['no staff token', (env: Record<string, string>) => without(env, 'STAFF_API_TOKEN'), 'STAFF_API_TOKEN'],
    ['PUBLIC_BASE_URL over plain http', (env: Record<string, string>) => ({ ...env, PUBLIC_BASE_URL: 'http://tickets.example.test' }), 'PUBLIC_BASE_URL'],
  ])('refuses %s: exit code 1 and one line naming the variable', async (_what, unsafe, variable) => {
    const proc = runBoxOffice(unsafe(await safeProduction()));

    expect(await exitOf(proc, START_TIMEOUT_MS)).toBe(1);
    const lines = stderrLines(proc);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Configuration error: ${variable} `));
    expect(proc.stdout()).toBe('');
  });

  it('refuses a Redis that keeps nothing on disk (the test run\'s own: no AOF, no save points): exit code 1 and one line', async () => {
    const proc = runBoxOffice({ ...(await safeProduction()), REDIS_URL: testRedisUrl() });

    expect(await exitOf(proc, START_TIMEOUT_MS)).toBe(1);
    const lines = stderrLines(proc);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Configuration error: the Redis at REDIS_URL keeps nothing on disk/);
    expect(lines[0]).toContain('appendonly yes');
    expect(lines[0]).not.toContain(testRedisUrl());
  });

  it('starts with a safe configuration: security headers with HSTS, no warning about production, and stops with exit code 0', async () => {
    const env = await safeProduction();
    const proc = runBoxOffice(env);
    await listening(proc);

    const health = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('strict-transport-security')).toMatch(/^max-age=/);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(logLines(proc).filter((line) => line.level >= 40 && /production|disk/.test(line.msg))).toEqual([]);

    proc.child.kill('SIGTERM');
    expect(await exitOf(proc, STOP_TIMEOUT_MS)).toBe(0);
  });

  it('starts on a Redis without persistence when told the provider persists it another way (REDIS_PERSISTENCE_CHECK=off)', async () => {
    const env = { ...(await safeProduction()), REDIS_URL: testRedisUrl(), REDIS_PERSISTENCE_CHECK: 'off' };
    const proc = runBoxOffice(env);
    await listening(proc);

    expect((await fetch(`http://127.0.0.1:${env.PORT}/readyz`)).status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await exitOf(proc, STOP_TIMEOUT_MS)).toBe(0);
  });
});

describe('outside production the same gaps are warnings', { timeout: TEST_TIMEOUT_MS }, () => {
  it('a laptop start (nothing set, a Redis without persistence) warns about Redis, notes the production checklist, and starts', async () => {
    const env = await baseEnv();
    const proc = runBoxOffice(env);
    await listening(proc);

    const warnings = logLines(proc).filter((line) => line.level === 40);
    expect(warnings.find((line) => line.component === 'redis')?.msg).toMatch(/keeps nothing on disk/);
    expect(logLines(proc).find((line) => line.component === 'config' && line.level === 30)).toMatchObject({
      msg: expect.stringMatching(/^production checklist: \d+ setting\(s\) to change before NODE_ENV=production/),
      problems: expect.arrayContaining([expect.stringMatching(/^STRIPE_SECRET_KEY /), expect.stringMatching(/^MicrosoftAppId /)]),
    });
    proc.child.kill('SIGTERM');
    expect(await exitOf(proc, STOP_TIMEOUT_MS)).toBe(0);
  });
});

describe('a good start', { timeout: TEST_TIMEOUT_MS }, () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('answers /healthz and /readyz, and on %s stops with exit code 0', async (signal) => {
    const env = await baseEnv();
    const proc = runBoxOffice(env);
    await listening(proc);
    const base = `http://127.0.0.1:${env.PORT}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    proc.child.kill(signal);

    expect(await exitOf(proc, STOP_TIMEOUT_MS)).toBe(0);
    const messages = logLines(proc).map((line) => line.msg);
    expect(logLines(proc).find((line) => line.msg.startsWith('shutting down'))).toMatchObject({ signal });
    expect(messages.at(-1)).toBe('stopped');
    expect(proc.stderr()).toBe('');
    // It no longer takes requests.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('a port already taken', { timeout: TEST_TIMEOUT_MS }, () => {
  it('exit code 1 and one line naming the port, leaving nothing running', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, resolve));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const proc = runBoxOffice({ ...(await baseEnv()), PORT: String(port) });
      expect(await exitOf(proc, START_TIMEOUT_MS)).toBe(1);
      expect(stderrLines(proc)).toEqual([`Port ${port} is taken: another box office, or something else, listens there. Stop it, or start this one with PORT set to a free port.`]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

describe('Redis unreachable (REDIS_URL points where nothing listens)', { timeout: TEST_TIMEOUT_MS }, () => {
  it('still starts: /healthz says up, /readyz answers 503 and names Redis', async () => {
    const env = { ...(await baseEnv()), REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const proc = runBoxOffice(env);
    await listening(proc);
    const base = `http://127.0.0.1:${env.PORT}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', redis: 'down' });
    // The log says why, once: not a line per connection per retry (each reconnects about once a second).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const redisLines = logLines(proc).filter((line) => line.component === 'redis');
    expect(redisLines.map((line) => line.msg)).toEqual([
      'could not ask Redis whether it keeps its data on disk: not checked',
      expect.stringMatching(/^Redis at 127\.0\.0\.1:\d+ is unreachable \(.*ECONNREFUSED.*\): retrying every second/),
    ]);
    expect(logLines(proc).filter((line) => line.level >= 50)).toHaveLength(1);
  });

  it('still stops on SIGTERM with exit code 0', async () => {
    const env = { ...(await baseEnv()), REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const proc = runBoxOffice(env);
    await listening(proc);

    proc.child.kill('SIGTERM');

    // A process manager waits ~10 s before SIGKILL; shutting down must not wait for a Redis that is not there.
    expect(await exitOf(proc, STOP_TIMEOUT_MS)).toBe(0);
    expect(logLines(proc).at(-1)?.msg).toBe('stopped');
  });
});
