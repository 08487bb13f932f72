import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { CHAT_PATH, DEMO_CHAT_PATH } from '../../http/paths.js';
import { connectorHandler, postActivityToBot, type ReceivedActivity, type WireActivity } from './emulator-connector.js';
import { DEMO_CHAT_CSS, DEMO_CHAT_HTML, DEMO_CHAT_JS } from './demo-chat.page.js';

/** Conversations kept in memory (a laptop's demo); the oldest is dropped past it. */
const MAX_CONVERSATIONS = 500;
/** Activities kept per conversation. */
const MAX_ACTIVITIES = 500;
const BOT = { id: 'box-office', name: 'Box Office', role: 'bot' };
const DIRECT_LINE = `${DEMO_CHAT_PATH}/directline`;
const CONNECTOR = `${DEMO_CHAT_PATH}/connector`;

interface Conversation {
  activities: WireActivity[];
  /** Activities dropped from the front past MAX_ACTIVITIES: watermarks stay positions in the whole stream. */
  dropped: number;
}

export interface DemoChatDeps {
  /** The web role's own address (over loopback): the bot's /api/messages and, under it, the connector the bot replies to. */
  selfUrl: () => string;
  log: Logger;
}

/** Where Web Chat's bundle is, when botframework-webchat is installed (a development dependency). */
export function webChatBundle(): string | undefined {
  try {
    // The package exports its entry only (lib/index.js); the bundle sits in dist/ beside lib/.
    const bundle = join(dirname(createRequire(import.meta.url).resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
    return existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/**
 * /demo/chat: the real Web Chat, talking to the box office through a small
 * local Direct Line 3.0 (the REST and polling half of it:
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-api-reference).
 * What the page sends is posted to our own /api/messages as a channel posts
 * it, with a serviceUrl under /demo/chat/connector, where the Bot Connector
 * routes (emulator-connector.ts) take the bot's replies, and later its
 * proactive messages (the tickets), into the conversation the page polls.
 */
export function demoChatRoutes(deps: DemoChatDeps & { bundle: string }): Router {
  const router = Router();
  const conversations = new Map<string, Conversation>();

  const append = (conversationId: string, activity: WireActivity): string => {
    const conversation = conversations.get(conversationId);
    const id = activity.id ?? randomUUID();
    if (!conversation) return id;
    conversation.activities.push({ ...activity, id, timestamp: activity.timestamp ?? new Date().toISOString(), conversation: { id: conversationId } });
    if (conversation.activities.length > MAX_ACTIVITIES) {
      conversation.activities.shift();
      conversation.dropped += 1;
    }
    return id;
  };

  router.get(DEMO_CHAT_PATH, (_req, res) => {
    res.set('Cache-Control', 'no-store').type('html').send(DEMO_CHAT_HTML);
  });
  router.get(`${DEMO_CHAT_PATH}/chat.js`, (_req, res) => {
    res.type('text/javascript').send(DEMO_CHAT_JS);
  });
  router.get(`${DEMO_CHAT_PATH}/chat.css`, (_req, res) => {
    res.type('text/css').send(DEMO_CHAT_CSS);
  });
  router.get(`${DEMO_CHAT_PATH}/webchat.js`, (_req, res) => {
    res.sendFile(deps.bundle, { maxAge: '1d' });
  });

  // The bot's side: replies and proactive messages, on the Bot Connector routes.
  router.use(
    CONNECTOR,
    connectorHandler((activity: ReceivedActivity) => {
      const { conversationId, operation: _operation, ...wire } = activity;
      append(conversationId, { ...wire, from: wire.from ?? BOT });
    }),
  );

  // The page's side: Direct Line 3.0.
  router.post(`${DIRECT_LINE}/conversations`, (_req, res) => {
    const conversationId = randomUUID();
    conversations.set(conversationId, { activities: [], dropped: 0 });
    if (conversations.size > MAX_CONVERSATIONS) conversations.delete(conversations.keys().next().value!);
    res.status(201).json({ conversationId, token: 'demo', expires_in: 3600 });
  });
  router.post(`${DIRECT_LINE}/tokens/refresh`, (_req, res) => {
    res.json({ token: 'demo', expires_in: 3600 });
  });
  router.get(`${DIRECT_LINE}/conversations/:id/activities`, (req: Request<{ id: string }>, res: Response) => {
    const conversation = conversations.get(req.params.id);
    if (!conversation) {
      res.status(404).json({ error: { code: 'BadArgument', message: 'Conversation not found' } });
      return;
    }
    const watermark = Math.max(0, Number.parseInt(String(req.query.watermark ?? '0'), 10) || 0);
    const from = Math.max(0, watermark - conversation.dropped);
    res.json({ activities: conversation.activities.slice(from), watermark: String(conversation.dropped + conversation.activities.length) });
  });
  router.post(`${DIRECT_LINE}/conversations/:id/activities`, express.json({ limit: '64kb' }), async (req: Request<{ id: string }>, res: Response) => {
    const conversationId = req.params.id;
    const body = req.body as WireActivity | undefined;
    if (!conversations.has(conversationId)) {
      res.status(404).json({ error: { code: 'BadArgument', message: 'Conversation not found' } });
      return;
    }
    if (typeof body !== 'object' || body === null || typeof body.type !== 'string') {
      res.status(400).json({ error: { code: 'BadArgument', message: 'An activity with a type is required' } });
      return;
    }
    // As a channel would: the page's activity is in the stream first (Web Chat
    // marks it sent when it comes back), then the bot's answers.
    const activity: WireActivity = { ...body, channelId: 'webchat', from: { id: String(body.from?.id ?? 'web-user'), name: body.from?.name, role: 'user' } };
    const id = append(conversationId, activity);
    const toBot: WireActivity = { ...activity, id, conversation: { id: conversationId }, recipient: BOT, serviceUrl: `${deps.selfUrl()}${CONNECTOR}`, timestamp: new Date().toISOString() };
    try {
      const answer = await postActivityToBot(`${deps.selfUrl()}${CHAT_PATH}`, toBot);
      if (answer.status >= 400) deps.log.warn({ component: 'demo-chat', status: answer.status }, `the bot refused a demo chat activity: ${answer.body.slice(0, 200)}`);
    } catch (err) {
      deps.log.warn({ component: 'demo-chat', err: (err as Error).message }, 'the bot did not answer a demo chat activity');
    }
    res.json({ id });
  });

  return router;
}
