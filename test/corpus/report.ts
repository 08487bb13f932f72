// `npm run corpus`: plays the customer corpus and prints its figures, as
// docs/understanding-customers.md shows them; `npm run corpus -- --misses` also prints every
// conversation that ended in the wrong place, with its transcript.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../../src/redis/redis-server.process.js';
import { figures, figuresTable, runCorpus } from './corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'box-office-corpus-'));
const redis = await startRedisServer({ dir, appendOnly: false });
try {
  const started = performance.now();
  const results = await runCorpus({ url: redis.url });
  const seconds = (performance.now() - started) / 1000;
  if (process.argv.includes('--misses')) {
    for (const miss of results.filter((result) => !result.right)) {
      console.log(`\n## ${miss.conversation.id} (${miss.conversation.category}, ${miss.channel}): ${miss.why}`);
      console.log(miss.transcript.join('\n'));
    }
    console.log('');
  }
  console.log(figuresTable(figures(results)));
  console.log(`\n${results.length} conversations played in ${seconds.toFixed(1)} s.`);
} finally {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
