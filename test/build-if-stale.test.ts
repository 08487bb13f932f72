// `npm start` builds only when the build is older than its sources
// (scripts/build-if-stale.mjs), run here with real npm on a small project
// whose "build" counts its runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/build-if-stale.mjs');
/** A build that notes each run and stamps dist/.built as the real one does; BUILD_FAILS makes it fail first. */
const BUILD = `node -e "const fs=require('fs');fs.appendFileSync('builds.log','x');if(process.env.BUILD_FAILS)process.exit(3);fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/.built','')"`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'build-if-stale-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true, scripts: { build: BUILD } }));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'main.ts'), 'export {};\n');
  // Sources a little in the past, so a write in this test is newer whatever the file system's clock resolution.
  ageEverything(-60);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ageEverything(seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  for (const path of ['package.json', 'src', 'src/main.ts']) utimesSync(join(dir, path), when, when);
}

/** The last build as if it ran a minute ago, so what the test writes next is newer. */
function stampAged(): void {
  const minuteAgo = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'dist', '.built'), minuteAgo, minuteAgo);
}

function touch(path: string): void {
  const now = new Date();
  utimesSync(join(dir, path), now, now);
}

function start(env: Record<string, string> = {}): { status: number | null; out: string; builds: number } {
  const run = spawnSync(process.execPath, [SCRIPT], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  const log = join(dir, 'builds.log');
  return { status: run.status, out: run.stdout, builds: existsSync(log) ? readFileSync(log, 'utf8').length : 0 };
}

describe('npm start\'s build step', () => {
  it('builds the first time, then not again while nothing changed', () => {
    expect(start()).toMatchObject({ status: 0, builds: 1, out: expect.stringContaining('building (first start)') });
    expect(start()).toMatchObject({ status: 0, builds: 1, out: expect.stringContaining('build is up to date') });
    expect(start()).toMatchObject({ builds: 1 });
  });

  it('builds again after a source changes, a file is added, or dist/ is gone', () => {
    start();
    stampAged();
    touch('src/main.ts');
    expect(start()).toMatchObject({ status: 0, builds: 2, out: expect.stringContaining('sources changed') });
    expect(start()).toMatchObject({ builds: 2 });
    stampAged();
    mkdirSync(join(dir, 'dialogs'));
    writeFileSync(join(dir, 'dialogs', 'new.dialog.ts'), 'export {};\n');
    expect(start()).toMatchObject({ builds: 3 });
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(start()).toMatchObject({ builds: 4 });
    expect(start()).toMatchObject({ builds: 4 });
  });

  it('fails when the build fails, and tries again next time', () => {
    expect(start({ BUILD_FAILS: '1' })).toMatchObject({ status: 3, builds: 1 });
    expect(start()).toMatchObject({ status: 0, builds: 2 });
    expect(start()).toMatchObject({ builds: 2 });
  });

  it('is what npm start and its role variants run first', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect([scripts.prestart, scripts['prestart:web'], scripts['prestart:worker']]).toEqual(Array(3).fill('node scripts/build-if-stale.mjs'));
    expect(readFileSync('scripts/copy-assets.mjs', 'utf8')).toContain("writeFileSync('dist/.built'");
  });
});
