// The build's last step: copies the files tsc does not emit (Redis Lua
// scripts) next to the compiled JavaScript, so dist/ runs on its own, then
// stamps the build complete (dist/.built, which `npm start` compares with the
// sources: scripts/build-if-stale.mjs).
import { cpSync, writeFileSync } from 'node:fs';

cpSync('src', 'dist/src', {
  recursive: true,
  filter: (path) => !/\.ts$/.test(path),
});
writeFileSync('dist/.built', `${new Date().toISOString()}\n`);
