// The build's last step: copies the files tsc does not emit (Redis Lua
// scripts) next to the compiled JavaScript, so dist/ runs on its own, then
// stamps the build with the hash of what it was built from (dist/.built,
// which `npm start` compares: scripts/build-if-stale.mjs).
import { cpSync, writeFileSync } from 'node:fs';
import { STAMP, sourceHash } from './source-hash.mjs';

cpSync('src', 'dist/src', {
  recursive: true,
  filter: (path) => !/\.ts$/.test(path),
});
writeFileSync(STAMP, `${sourceHash()}\n`);
