// `npm start` builds only when the build is older than what it is built
// from: a start with nothing changed goes straight to the compiled server
// (about 2 s) instead of a full tsc run (15-25 s on a small machine). What
// counts: every file and folder under src/ and dialogs/ (a folder's time
// changes when a file in it is added, removed or renamed), the TypeScript
// configuration, the build scripts and the lock file. The build writes its
// stamp (dist/.built) as its last step, so a failed build is tried again.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.built';
const SOURCES = ['src', 'dialogs', 'tsconfig.json', 'tsconfig.build.json', 'scripts/copy-assets.mjs', 'package.json', 'package-lock.json'];

/** The latest modification time under `path`, folders included, in ms; 0 where nothing is. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...SOURCES.map(newest));
if (built > 0 && changed <= built) {
  console.log('build is up to date (npm run build to force one)');
} else {
  console.log(built === 0 ? 'building (first start)' : 'building: sources changed since the last build');
  const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
