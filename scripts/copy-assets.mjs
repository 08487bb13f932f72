// Copies the files tsc does not emit (Redis Lua scripts) next to the compiled
// JavaScript, so dist/ runs on its own.
import { cpSync } from 'node:fs';

cpSync('src', 'dist/src', {
  recursive: true,
  filter: (path) => !/\.ts$/.test(path),
});
