// One chat user talking to a running box office through its real
// /api/messages, with the local Bot Framework connector as the channel: what
// the Emulator or Web Chat would do, and what they would show.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  conversationOpened,
  sendActivity,
  userMessage,
  type BotConnectorServer,
  type RecordedActivity,
  type WireActivity,
} from './bot-connector.server.js';

export interface ChatUser {
  conversationId: string;
  userId: string;
  /** How the order store names this customer (channel id + user id). */
  address: string;
  /** Opens the chat (conversationUpdate) and returns the bot's replies to it. */
  open(): Promise<RecordedActivity[]>;
  /** Sends one message and returns the bot's replies to it, in order. */
  say(text: string): Promise<RecordedActivity[]>;
  /** The message activity say() would send, to post it yourself (e.g. several at once). */
  message(text: string): WireActivity;
  /** Posts a prepared activity; returns the HTTP status /api/messages answered. */
  post(activity: WireActivity): Promise<number>;
  /**
   * The messages the bot sent in this conversation so far. Traces (the
   * dialog-state snapshots botbuilder sends to the Emulator) are left out:
   * no one reads them in a chat window.
   */
  received(): RecordedActivity[];
  /** The messages answering one activity this user sent. */
  repliesTo(activity: WireActivity): RecordedActivity[];
}

export interface ChatUserOptions {
  /**
   * The address the user writes from, as the proxy in front of the bot names
   * it (X-Forwarded-For, believed from loopback); default: the test's own, 127.0.0.1.
   */
  clientAddress?: string;
  /** The channel the user writes on (activity.channelId), e.g. 'msteams'. @default 'emulator' */
  channelId?: string;
  /**
   * The Bearer token the channel signs each post with, as a Bot Framework
   * channel does when the bot has a MicrosoftAppId (the Emulator's anonymous
   * mode, the default, sends none).
   */
  auth?: (activity: WireActivity) => string;
  /** Where the bot sends its replies, e.g. a gate in front of the connector. @default connector.url */
  serviceUrl?: string;
}

/** A new conversation with a user of its own, so recorded activities never mix between tests. */
export function chatUser(
  botBaseUrl: string,
  connector: BotConnectorServer,
  userId = `user-${randomUUID().slice(0, 8)}`,
  options: ChatUserOptions = {},
): ChatUser {
  const ids = {
    conversationId: `${randomUUID()}|livechat`,
    userId,
    serviceUrl: options.serviceUrl ?? connector.url,
  };
  const channelId = options.channelId ?? 'emulator';
  const onChannel = (activity: WireActivity): WireActivity => ({ ...activity, channelId });
  const botUrl = `${botBaseUrl}/api/messages`;
  const received = () => connector.activities.filter((a) => a.conversationId === ids.conversationId && a.type === 'message');
  const repliesTo = (activity: WireActivity) => received().filter((a) => a.replyToId === activity.id && a.operation === 'reply');
  const headers: Record<string, string> = options.clientAddress ? { 'x-forwarded-for': options.clientAddress } : {};
  const post = (activity: WireActivity) =>
    sendActivity(botUrl, activity, options.auth ? { ...headers, authorization: `Bearer ${options.auth(activity)}` } : headers);
  const exchange = async (activity: WireActivity) => {
    // CloudAdapter answers once the turn is over, so its replies are recorded by then.
    expect(await post(activity)).toBe(200);
    return repliesTo(activity);
  };
  return {
    conversationId: ids.conversationId,
    userId: ids.userId,
    address: `${channelId}:${ids.userId}`,
    open: () => exchange(onChannel(conversationOpened(ids))),
    say: (text) => exchange(onChannel(userMessage({ ...ids, text }))),
    message: (text) => onChannel(userMessage({ ...ids, text })),
    post,
    received,
    repliesTo,
  };
}

/** The titles of a reply's suggested actions (chat buttons). */
export function buttonTitles(activity: RecordedActivity | undefined): string[] {
  return (activity?.suggestedActions?.actions ?? []).map((action) => action.title ?? '');
}

/** The open-URL buttons of a reply's cards, as { title, url }. */
export function openUrlButtons(activity: RecordedActivity | undefined): Array<{ title: string; url: string }> {
  const buttons: Array<{ title: string; url: string }> = [];
  for (const attachment of activity?.attachments ?? []) {
    const content = attachment.content as { buttons?: Array<{ type?: string; title?: string; value?: unknown }> } | undefined;
    for (const button of content?.buttons ?? []) {
      if (button.type === 'openUrl' && typeof button.value === 'string') buttons.push({ title: button.title ?? '', url: button.value });
    }
  }
  return buttons;
}

/** "row A, seats 3-4" for ['A-3', 'A-4']: how a customer reads a block of adjacent seats. */
export function seatWords(seats: string[]): string {
  const [row] = seats[0]!.split('-');
  const numbers = seats.map((seat) => Number(seat.split('-')[1])).sort((a, b) => a - b);
  return numbers.length === 1 ? `row ${row}, seat ${numbers[0]}` : `row ${row}, seats ${numbers[0]}-${numbers[numbers.length - 1]}`;
}
