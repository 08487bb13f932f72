import { pino } from 'pino';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { it } from 'vitest';
import { MainDialog } from '../dialogs/main.dialog.js';
import { loadCatalog } from '../src/catalog/catalog.loader.js';
import { EventFinder } from '../src/catalog/event-finder.js';
import { createCommerce } from '../src/commerce.js';
import { loadConfig } from '../src/config.js';
import { PurchaseService } from '../src/orders/purchase.service.js';
import { DemoCheckoutGateway } from '../src/payments/demo-checkout.gateway.js';
import { testRedis, uniquePrefix } from './support/redis.js';

function render(a: Partial<Activity>): string {
  const lines = [a.text ?? ''];
  for (const act of a.suggestedActions?.actions ?? []) lines.push(`[${act.title}]`);
  for (const att of a.attachments ?? []) for (const b of (att.content as any)?.buttons ?? []) lines.push(`<${b.title}: ${b.value}>`);
  return lines.join('\n');
}

const convos: Record<string, string[]> = JSON.parse(process.env.CONVOS ?? '{}');

it('explore', async () => {
  const redis = testRedis();
  const config = loadConfig({ NODE_ENV: 'test' });
  const catalog = loadCatalog(config.catalogPath);
  for (const [name, lines] of Object.entries(convos)) {
    const prefix = uniquePrefix();
    const commerce = createCommerce(redis, catalog, config, prefix);
    const checkout = new DemoCheckoutGateway(redis, { prefix, publicBaseUrl: 'https://tickets.example.test' });
    const purchase = new PurchaseService({ ...commerce, checkout, log: pino({ level: 'silent' }), options: { holdMinutes: 30, publicBaseUrl: 'https://tickets.example.test' } });
    const dialog = new MainDialog({ ...commerce, finder: new EventFinder(catalog), purchase, limits: config.limits, now: () => new Date('2026-11-01T12:00:00Z') });
    const channel = name.startsWith('sms') ? 'sms' : 'test';
    const client = new DialogTestClient(channel, dialog);
    console.log(`===== ${name} (${channel})`);
    for (const line of lines) {
      let reply = await client.sendActivity(line);
      console.log(`> ${line}`);
      while (reply) { console.log(render(reply).replace(/^/gm, '  ')); reply = client.getNextReply(); }
    }
  }
  await redis.quit();
});
