// bin/box-office is how `npm start`, the container and the benchmarks start
// the compiled box office: with V8's memory settings, as the process itself
// (exec, so signals reach node), whatever a deployment passes its way.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAUNCHER = resolve('bin/box-office');

/** What node was started with, run from elsewhere: `-p` prints it and never loads the entry, so no build is needed. */
function nodeFlags(extra = ''): string[] {
  const printed = execFileSync(LAUNCHER, ['worker'], { cwd: tmpdir(), env: { ...process.env, BOX_OFFICE_NODE_FLAGS: `${extra} -p JSON.stringify([process.execArgv,process.argv.slice(1)])`.trim() }, encoding: 'utf8' });
  const [execArgv, argv] = JSON.parse(printed) as [string[], string[]];
  return [...execArgv.filter((flag) => !flag.startsWith('-p') && !flag.startsWith('JSON.')), ...argv];
}

describe('bin/box-office', () => {
  it('starts node on dist/src/main.js with the memory settings, and a role', () => {
    expect(nodeFlags()).toEqual(['--initial-old-space-size=64', '--heap-growing-percent=25', `${dirname(LAUNCHER)}/../dist/src/main.js`, 'worker']);
  });

  it('puts an operator\'s own flags after its own, so theirs win', () => {
    expect(nodeFlags('--heap-growing-percent=0 --max-semi-space-size=8')).toEqual([
      '--initial-old-space-size=64',
      '--heap-growing-percent=25',
      '--heap-growing-percent=0',
      '--max-semi-space-size=8',
      expect.stringMatching(/dist\/src\/main\.js$/),
      'worker',
    ]);
  });

  it('is what every start command runs', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect([scripts.start, scripts['start:web'], scripts['start:worker']]).toEqual(['bin/box-office', 'bin/box-office web', 'bin/box-office worker']);
    expect(readFileSync('Dockerfile', 'utf8')).toContain('CMD ["bin/box-office", "all"]');
    const compose = readFileSync('docker-compose.yml', 'utf8');
    expect(compose).toContain('command: ["bin/box-office", "web"]');
    expect(compose).toContain('command: ["bin/box-office", "worker"]');
    expect(compose).not.toContain('dist/src/main.js');
  });
});
