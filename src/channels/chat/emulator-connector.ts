// The channel side of the Bot Framework protocol, as the Bot Framework Emulator
// speaks it in anonymous mode (empty MicrosoftAppId):
//   - inbound: the channel POSTs an Activity to the bot's /api/messages, with
//     no Authorization header, and `serviceUrl` naming where replies go;
//   - outbound: the bot POSTs its activities back to that serviceUrl, on the
//     Bot Connector REST routes, and wants a ResourceResponse `{ id }` back.
// https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
//
// Used by `npm run chat` (src/cli/chat.ts), the demo chat page's local
// Direct Line (demo-chat.route.ts) and the tests' connector
// (test/support/bot-connector.server.ts), so the protocol lives in one place.
// Plain JSON types on purpose: the terminal chat must not load botbuilder.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { plainFromChatMarkdown } from './chat.markdown.js';

// ---------------------------------------------------------------------------
// Wire types (the JSON shapes, not the SDK classes)
// https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object

export interface ChannelAccount {
  id: string;
  name?: string;
  role?: 'user' | 'bot' | (string & {});
}

export interface CardAction {
  type: 'imBack' | 'postBack' | 'messageBack' | 'openUrl' | (string & {});
  title?: string;
  value?: unknown;
  /** messageBack: the text the bot receives. */
  text?: string;
  displayText?: string;
}

export interface Attachment {
  contentType: string;
  content?: unknown;
  contentUrl?: string;
  name?: string;
}

/** A hero or thumbnail card's content. */
export interface BasicCard {
  title?: string;
  subtitle?: string;
  text?: string;
  buttons?: CardAction[];
}

export interface WireActivity {
  type: 'message' | 'conversationUpdate' | 'typing' | 'event' | 'trace' | 'endOfConversation' | (string & {});
  id?: string;
  timestamp?: string;
  localTimestamp?: string;
  localTimezone?: string;
  channelId?: string;
  serviceUrl?: string;
  from?: ChannelAccount;
  recipient?: ChannelAccount;
  conversation?: { id: string; name?: string; isGroup?: boolean };
  replyToId?: string;
  text?: string;
  textFormat?: string;
  locale?: string;
  suggestedActions?: { to?: string[]; actions: CardAction[] };
  attachments?: Attachment[];
  value?: unknown;
  name?: string;
  membersAdded?: ChannelAccount[];
  membersRemoved?: ChannelAccount[];
  channelData?: unknown;
  [field: string]: unknown;
}

/** Which Bot Connector operation the bot called. */
export type ConnectorOperation = 'reply' | 'send' | 'update' | 'create';

/** An activity the bot sent, as the connector received it. */
export interface ReceivedActivity extends WireActivity {
  /** The id this connector gave it (its ResourceResponse), or the id updated. */
  id: string;
  /** From the route, URL-decoded (Emulator ids contain `|`). */
  conversationId: string;
  /** The activity answered: the route's `:activityId` for a reply. */
  replyToId?: string;
  operation: ConnectorOperation;
}

// ---------------------------------------------------------------------------
// The connector: an HTTP server that stands where the channel's serviceUrl points

export interface EmulatorConnectorOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Called for a request on a route this connector does not serve (it answers 404). */
  onUnknownRoute?: (method: string, path: string) => void;
}

export interface EmulatorConnector {
  /** The serviceUrl to put on inbound activities, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Calls `listener` for every activity the bot sends; returns an unsubscribe function. */
  onActivity(listener: (activity: ReceivedActivity) => void): () => void;
  close(): Promise<void>;
}

type Route = { operation: ConnectorOperation | 'delete'; conversationId?: string; activityId?: string };

/** Starts the connector on a free port of 127.0.0.1 unless told otherwise. */
export async function startEmulatorConnector(options: EmulatorConnectorOptions = {}): Promise<EmulatorConnector> {
  const listeners = new Set<(activity: ReceivedActivity) => void>();
  const emit = (activity: ReceivedActivity) => listeners.forEach((listener) => listener(activity));
  const server = createServer(connectorHandler(emit, options.onUnknownRoute));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    onActivity(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => closeServer(server),
  };
}

/**
 * The connector's routes as a request handler to mount under a path of a
 * server of one's own (an express app): the bot's serviceUrl is then that
 * server's URL and path. `emit` gets every activity the bot sends.
 */
export function connectorHandler(
  emit: (activity: ReceivedActivity) => void,
  onUnknownRoute?: EmulatorConnectorOptions['onUnknownRoute'],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handleConnectorRequest(req, res, emit, onUnknownRoute).catch((err: unknown) => sendJson(res, 500, errorResponse('ServiceError', String(err))));
  };
}

async function handleConnectorRequest(
  req: IncomingMessage,
  res: ServerResponse,
  emit: (activity: ReceivedActivity) => void,
  onUnknownRoute: EmulatorConnectorOptions['onUnknownRoute'],
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://connector').pathname;
  const route = matchRoute(req.method ?? 'GET', path);
  if (!route) {
    onUnknownRoute?.(req.method ?? 'GET', path);
    return sendJson(res, 404, errorResponse('NotFound', `${req.method} ${path} is not served by this connector`));
  }
  const body = await readJson(req);
  if (route.operation === 'delete') return sendJson(res, 200, {});
  if (route.operation === 'create') return sendJson(res, 200, createConversation(body, emit));
  const activity = body as WireActivity;
  const received = receive(activity, route);
  emit(received);
  sendJson(res, 200, { id: received.id });
}

// The Conversations operations of the Bot Connector API that a bot built on
// CloudAdapter calls: sendActivities → reply (activity has replyToId, which
// includes proactive turns: continueConversationAsync replies to the
// continuation event's fresh id) or send; updateActivity → PUT;
// createConversationAsync → POST /v3/conversations.
function matchRoute(method: string, path: string): Route | undefined {
  const m = path.match(/^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/);
  if (!m) return undefined;
  const conversationId = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
  const activityId = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  if (!conversationId) return method === 'POST' ? { operation: 'create' } : undefined;
  if (!activityId) return method === 'POST' ? { operation: 'send', conversationId } : undefined;
  if (method === 'POST') return { operation: 'reply', conversationId, activityId };
  if (method === 'PUT') return { operation: 'update', conversationId, activityId };
  if (method === 'DELETE') return { operation: 'delete', conversationId, activityId };
  return undefined;
}

function receive(activity: WireActivity, route: Route): ReceivedActivity {
  const conversationId = route.conversationId ?? activity.conversation?.id ?? '';
  const id = route.operation === 'update' ? (route.activityId ?? randomUUID()) : randomUUID();
  const replyToId = route.operation === 'reply' ? route.activityId : activity.replyToId;
  return { ...activity, id, conversationId, replyToId, operation: route.operation as ConnectorOperation };
}

/** ConversationParameters in, ConversationResourceResponse out; its first activity, if any, is delivered. */
function createConversation(body: unknown, emit: (activity: ReceivedActivity) => void) {
  const conversationId = randomUUID();
  const first = (body as { activity?: WireActivity } | undefined)?.activity;
  if (!first) return { id: conversationId };
  const received = receive(first, { operation: 'create', conversationId });
  emit(received);
  return { id: conversationId, activityId: received.id };
}

/** The Bot Connector's ErrorResponse shape. */
function errorResponse(code: string, message: string) {
  return { error: { code, message } };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // The bot's HTTP client keeps connections alive; without this close() waits for them.
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------
// Inbound: activities as the Emulator posts them to the bot

/** One chat between one user and the bot, as the Emulator sets it up. */
export interface EmulatorConversation {
  conversationId: string;
  user: ChannelAccount;
  bot: ChannelAccount;
  /** Where the bot must send its replies: the connector's url. */
  serviceUrl: string;
  /** @default 'en-US' */
  locale?: string;
}

/** A new conversation with a fresh id and a user id stable for the run, like `terminal-user-3f9c1a`. */
export function newConversation(serviceUrl: string, userPrefix = 'terminal-user'): EmulatorConversation {
  return {
    // The Emulator's ids end in `|livechat`; keeping the `|` proves ids are URL-encoded on the way back.
    conversationId: `${randomUUID()}|livechat`,
    user: { id: `${userPrefix}-${randomUUID().slice(0, 6)}`, name: 'You', role: 'user' },
    bot: { id: 'bot', name: 'Bot', role: 'bot' },
    serviceUrl,
  };
}

/** The envelope every inbound activity carries (what the Emulator's "postage" fills in). */
function envelope(conversation: EmulatorConversation): WireActivity {
  const now = new Date();
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: now.toISOString(),
    localTimestamp: now.toISOString(),
    localTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    channelId: 'emulator',
    serviceUrl: conversation.serviceUrl,
    from: conversation.user,
    recipient: conversation.bot,
    conversation: { id: conversation.conversationId },
    locale: conversation.locale ?? 'en-US',
  };
}

/** "Members added": the Emulator sends it when a chat opens; bots greet on it. */
export function conversationUpdateActivity(conversation: EmulatorConversation): WireActivity {
  return { ...envelope(conversation), type: 'conversationUpdate', membersAdded: [conversation.bot, conversation.user] };
}

/** A message the user typed (or a button's text/value). */
export function messageActivity(conversation: EmulatorConversation, content: ChoiceContent): WireActivity {
  return {
    ...envelope(conversation),
    type: 'message',
    textFormat: 'plain',
    ...content,
    channelData: { clientActivityID: randomUUID(), clientTimestamp: new Date().toISOString() },
  };
}

/** Nothing listens at the bot's URL (connection refused, unknown host, reset). */
export class BotUnreachableError extends Error {
  constructor(
    readonly botUrl: string,
    options?: { cause?: unknown },
  ) {
    super(`Nothing answers at ${botUrl}`, options);
    this.name = 'BotUnreachableError';
  }
}

export interface BotAnswer {
  /** 200 for a turn that ran; 401 when the bot wants a token (it is not in anonymous mode). */
  status: number;
  /** An invoke's body, or the error text CloudAdapter sends with a 4xx/5xx. */
  body: string;
}

/**
 * POSTs an activity to the bot's /api/messages. Anonymous, as the Emulator is
 * with an empty app id: no Authorization header. CloudAdapter answers once the
 * turn is over, so by then the turn's replies have reached the connector.
 * @throws BotUnreachableError when nothing answers; a TimeoutError after `timeoutMs` (default 30 s).
 */
export async function postActivityToBot(
  botUrl: string,
  activity: WireActivity,
  timeoutMs = 30_000,
  /** Extra request headers, e.g. X-Forwarded-For as a proxy in front of the bot would add it. */
  headers: Record<string, string> = {},
): Promise<BotAnswer> {
  let response: Response;
  try {
    response = await fetch(botUrl, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    // fetch rejects with a TypeError ("fetch failed", cause ECONNREFUSED…) when no server answers.
    if (err instanceof TypeError) throw new BotUnreachableError(botUrl, { cause: err });
    throw err;
  }
  return { status: response.status, body: await response.text() };
}

// ---------------------------------------------------------------------------
// Rendering: what a terminal shows for an activity, and numbered choices

/** What choosing a button sends: `text` (imBack, string postBack, messageBack) and/or `value`. */
export interface ChoiceContent {
  text?: string;
  value?: unknown;
}

export interface Choice {
  title: string;
  send: ChoiceContent;
}

export interface RenderedActivity {
  lines: string[];
  /** The buttons that post back, in display order; `[1]` is choices[0]. */
  choices: Choice[];
}

const HERO_CARD = 'application/vnd.microsoft.card.hero';
const THUMBNAIL_CARD = 'application/vnd.microsoft.card.thumbnail';

/**
 * Terminal lines for an activity the bot sent, or undefined for those a chat
 * window does not show (typing, and the trace activities CloudAdapter sends
 * only to the `emulator` channel).
 */
export function renderActivity(activity: WireActivity): RenderedActivity | undefined {
  if (activity.type === 'endOfConversation') return { lines: ['(the bot ended the conversation)'], choices: [] };
  if (activity.type !== 'message') return undefined;
  const lines: string[] = [];
  const choices: Choice[] = [];
  const text = activity.text && activity.textFormat === 'markdown' ? plainFromChatMarkdown(activity.text) : activity.text;
  if (text) lines.push(...text.split('\n'));
  for (const attachment of activity.attachments ?? []) renderAttachment(attachment, lines, choices);
  choices.push(...choicesOf(activity.suggestedActions?.actions ?? []));
  if (choices.length > 0) lines.push(formatChoices(choices));
  return { lines, choices };
}

function renderAttachment(attachment: Attachment, lines: string[], choices: Choice[]): void {
  if (attachment.contentType !== HERO_CARD && attachment.contentType !== THUMBNAIL_CARD) {
    lines.push(`[attachment: ${attachment.name ?? attachment.contentType}${attachment.contentUrl ? ` ${attachment.contentUrl}` : ''}]`);
    return;
  }
  const card = (attachment.content ?? {}) as BasicCard;
  for (const part of [card.title, card.subtitle, card.text]) if (part) lines.push(...part.split('\n'));
  for (const button of card.buttons ?? []) {
    if (button.type === 'openUrl') lines.push(`${button.title ?? 'Open'}: ${String(button.value)}`);
  }
  choices.push(...choicesOf(card.buttons ?? []));
}

/** The actions that send something back to the bot (an openUrl button only opens a page). */
export function choicesOf(actions: readonly CardAction[]): Choice[] {
  return actions.flatMap((action) => {
    const send = choiceContent(action);
    return send ? [{ title: action.title ?? String(action.value ?? action.text ?? ''), send }] : [];
  });
}

// What Web Chat sends for each kind of button:
// https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-add-rich-cards#process-events-within-rich-cards
function choiceContent(action: CardAction): ChoiceContent | undefined {
  switch (action.type) {
    case 'imBack':
      return { text: String(action.value ?? action.title ?? '') };
    case 'postBack':
      return typeof action.value === 'string' ? { text: action.value, value: action.value } : { value: action.value };
    case 'messageBack':
      return { text: action.text, value: action.value };
    default:
      return undefined;
  }
}

/** `[1] Section 101  [2] Courtside` */
export function formatChoices(choices: readonly Choice[]): string {
  return choices.map((choice, i) => `[${i + 1}] ${choice.title}`).join('  ');
}

/** The choice a typed number picks (`1` is the first), or undefined for anything else. */
export function pickChoice(input: string, choices: readonly Choice[]): Choice | undefined {
  const m = input.trim().match(/^\[?(\d+)\]?$/);
  return m ? choices[Number(m[1]) - 1] : undefined;
}
