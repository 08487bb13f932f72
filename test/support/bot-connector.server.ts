// A local Bot Framework connector for tests: the place a bot's `serviceUrl`
// points to. It records every activity the bot sends (replies, proactive
// messages, updates, new conversations) so a test can assert what a chat user
// would see. The protocol itself lives in src/channels/chat/emulator-connector.ts, which
// `npm run chat` uses too; this adds recording and waiting.
//   POST /v3/conversations/:conversationId/activities/:activityId   reply
//   POST /v3/conversations/:conversationId/activities               send
//   PUT  /v3/conversations/:conversationId/activities/:activityId   update
//   POST /v3/conversations                                          create, answers { id }
import {
  conversationUpdateActivity,
  messageActivity,
  postActivityToBot,
  startEmulatorConnector,
  type EmulatorConversation,
  type ReceivedActivity,
  type WireActivity,
} from '../../src/channels/chat/emulator-connector.js';

export type { ReceivedActivity as RecordedActivity, WireActivity } from '../../src/channels/chat/emulator-connector.js';

export interface BotConnectorServer {
  /** The serviceUrl to put on inbound activities, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every activity the bot sent, in arrival order, each with `conversationId`, `replyToId` and `operation`. */
  activities: ReceivedActivity[];
  /**
   * Resolves with the first activity, already recorded or still to come, that
   * matches; rejects after `timeoutMs` (default 5 s) listing what did arrive.
   */
  waitFor(predicate: (activity: ReceivedActivity) => boolean, timeoutMs?: number): Promise<ReceivedActivity>;
  close(): Promise<void>;
}

/** Starts the connector on 127.0.0.1 on a free port. */
export async function startBotConnector(): Promise<BotConnectorServer> {
  const connector = await startEmulatorConnector();
  const activities: ReceivedActivity[] = [];
  connector.onActivity((activity) => activities.push(activity));
  return {
    url: connector.url,
    activities,
    waitFor: (predicate, timeoutMs = 5_000) => waitForActivity(connector.onActivity, activities, predicate, timeoutMs),
    close: () => connector.close(),
  };
}

function waitForActivity(
  onActivity: (listener: (activity: ReceivedActivity) => void) => () => void,
  seen: readonly ReceivedActivity[],
  predicate: (activity: ReceivedActivity) => boolean,
  timeoutMs: number,
): Promise<ReceivedActivity> {
  const already = seen.find(predicate);
  if (already) return Promise.resolve(already);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      const texts = seen.map((a) => `${a.type}: ${a.text ?? ''}`).join(' | ') || 'nothing';
      reject(new Error(`No matching activity within ${timeoutMs} ms; the bot sent: ${texts}`));
    }, timeoutMs);
    const unsubscribe = onActivity((activity) => {
      if (!predicate(activity)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(activity);
    });
  });
}

/**
 * POSTs an inbound activity to the bot's /api/messages as the Emulator does in
 * anonymous mode (JSON, no Authorization header) and returns the HTTP status.
 * CloudAdapter answers after the turn, so the turn's replies are recorded by then.
 */
export async function sendActivity(botUrl: string, activity: WireActivity, headers: Record<string, string> = {}): Promise<number> {
  const { status } = await postActivityToBot(botUrl, activity, undefined, headers);
  return status;
}

export interface ConversationOptions {
  conversationId: string;
  userId: string;
  /** The connector's url: where the bot sends its replies. */
  serviceUrl: string;
  /** @default 'bot' */
  botId?: string;
}

export interface UserMessageOptions extends ConversationOptions {
  text: string;
}

/** A `message` activity from the user, as the Emulator builds it (channelId 'emulator', id, timestamp, locale). */
export function userMessage(options: UserMessageOptions): WireActivity {
  return messageActivity(conversationOf(options), { text: options.text });
}

/** The `conversationUpdate` (bot and user added) the Emulator sends when a chat opens. */
export function conversationOpened(options: ConversationOptions): WireActivity {
  return conversationUpdateActivity(conversationOf(options));
}

function conversationOf(options: ConversationOptions): EmulatorConversation {
  return {
    conversationId: options.conversationId,
    user: { id: options.userId, name: 'User', role: 'user' },
    bot: { id: options.botId ?? 'bot', name: 'Bot', role: 'bot' },
    serviceUrl: options.serviceUrl,
  };
}
