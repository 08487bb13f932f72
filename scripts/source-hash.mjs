// What the build is built from, as one hash: every file under src/ and
// dialogs/ (names and contents), the TypeScript configuration, the build
// script and the lock file. The build stamps dist/.built with it
// (copy-assets.mjs) and `npm start` builds again only when it differs
// (build-if-stale.mjs). Contents, not modification times: a checkout that
// rewrites files unchanged builds nothing, and no clock is involved.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = 'dist/.built';
const SOURCES = ['src', 'dialogs', 'tsconfig.json', 'tsconfig.build.json', 'scripts/copy-assets.mjs', 'package.json', 'package-lock.json'];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(files)) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}
