// `npm start` builds only when the build is not of the sources as they are
// (scripts/build-if-stale.mjs, by the hash of their contents), run here with
// real npm on a small project whose "build" counts its runs and stamps its
// output as the real one does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/build-if-stale.mjs');
const HASH = resolve('scripts/source-hash.mjs');
/** A build that notes each run and, unless BUILD_FAILS, stamps dist/.built with the sources' hash. */
const BUILD_JS = `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { STAMP, sourceHash } from ${JSON.stringify(HASH)};
appendFileSync('builds.log', 'x');
if (process.env.BUILD_FAILS) process.exit(3);
mkdirSync('dist', { recursive: true });
writeFileSync(STAMP, sourceHash());
`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'build-if-stale-'));
  writeFileSync(join(dir, 'build.mjs'), BUILD_JS);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true, scripts: { build: 'node build.mjs' } }));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'main.ts'), 'export {};\n');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string> = {}): { status: number | null; out: string; builds: number } {
  const run = spawnSync(process.execPath, [SCRIPT], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  const log = join(dir, 'builds.log');
  return { status: run.status, out: run.stdout, builds: existsSync(log) ? readFileSync(log, 'utf8').length : 0 };
}

describe('npm start\'s build step', () => {
  it('builds the first time, then not again while nothing changed, even when a file is rewritten as it was', () => {
    expect(start()).toMatchObject({ status: 0, builds: 1, out: expect.stringContaining('building (first start)') });
    expect(start()).toMatchObject({ status: 0, builds: 1, out: expect.stringContaining('build is up to date') });
    writeFileSync(join(dir, 'src', 'main.ts'), 'export {};\n');
    expect(start()).toMatchObject({ builds: 1 });
  });

  it('builds again after a source changes, a file is added or removed, or dist/ is gone', () => {
    start();
    writeFileSync(join(dir, 'src', 'main.ts'), 'export const changed = 1;\n');
    expect(start()).toMatchObject({ status: 0, builds: 2, out: expect.stringContaining('sources changed') });
    expect(start()).toMatchObject({ builds: 2 });
    mkdirSync(join(dir, 'dialogs'));
    writeFileSync(join(dir, 'dialogs', 'new.dialog.ts'), 'export {};\n');
    expect(start()).toMatchObject({ builds: 3 });
    rmSync(join(dir, 'dialogs', 'new.dialog.ts'));
    expect(start()).toMatchObject({ builds: 4 });
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(start()).toMatchObject({ builds: 5 });
    expect(start()).toMatchObject({ builds: 5 });
  });

  it('fails when the build fails, and tries again next time', () => {
    expect(start({ BUILD_FAILS: '1' })).toMatchObject({ status: 3, builds: 1 });
    expect(start()).toMatchObject({ status: 0, builds: 2 });
    expect(start()).toMatchObject({ builds: 2 });
  });

  it('is what npm start and its role variants run first, and the real build stamps its output', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect([scripts.prestart, scripts['prestart:web'], scripts['prestart:worker']]).toEqual(Array(3).fill('node scripts/build-if-stale.mjs'));
    expect(readFileSync('scripts/copy-assets.mjs', 'utf8')).toContain('writeFileSync(STAMP, `${sourceHash()}\\n`)');
  });
});
