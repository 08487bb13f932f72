// `npm start` builds only when the build is not of the sources as they are
// now: a start with nothing changed goes straight to the compiled server
// (about 2 s) instead of a full tsc run (12-25 s on a small machine). The
// build writes the hash of its sources (source-hash.mjs) as its last step, so
// a failed build is tried again next time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { STAMP, sourceHash } from './source-hash.mjs';

const built = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : undefined;
if (built === sourceHash()) {
  console.log('build is up to date (npm run build to force one)');
} else {
  console.log(built === undefined ? 'building (first start)' : 'building: sources changed since the last build');
  const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
