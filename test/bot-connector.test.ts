// The local Bot Framework connector (tests) and `npm run chat` (terminal),
// both against a real botbuilder CloudAdapter in anonymous mode, mounted the
// way the app mounts it: express.json() then adapter.process on /api/messages.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import {
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TurnContext,
} from 'botbuilder';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatChoices, pickChoice, renderActivity, type WireActivity } from '../src/channels/chat/emulator-connector.js';
import {
  conversationOpened,
  sendActivity,
  startBotConnector,
  userMessage,
  type BotConnectorServer,
} from './support/bot-connector.server.js';

const PROACTIVE_DELAY_MS = 150;
const TICKETS = 'Your tickets: BX-7K2Q, seats 101-A-5 and 101-A-6';

/** A tiny bot: greets, echoes, offers choices, shows a pay card, edits a message, and messages later. */
class TestBot extends ActivityHandler {
  readonly pending = new Set<Promise<unknown>>();

  constructor(adapter: CloudAdapter) {
    super();
    this.onMembersAdded(async (ctx, next) => {
      const others = (ctx.activity.membersAdded ?? []).filter((m) => m.id !== ctx.activity.recipient.id);
      if (others.length > 0) await ctx.sendActivity('Welcome to the box office.');
      await next();
    });
    this.onMessage(async (ctx, next) => {
      await this.answer(ctx, adapter);
      await next();
    });
  }

  private async answer(ctx: TurnContext, adapter: CloudAdapter): Promise<void> {
    const text = ctx.activity.text ?? '';
    if (text === 'choose') {
      await ctx.sendActivity(MessageFactory.suggestedActions(['Section 101', 'Courtside'], 'Which section?'));
    } else if (text === 'card') {
      const pay = CardFactory.actions([{ type: 'openUrl', title: 'Pay', value: 'https://checkout.example/pay/cs_1' }]);
      await ctx.sendActivity(MessageFactory.attachment(CardFactory.heroCard('2 × Section 101', undefined, pay)));
    } else if (text === 'edit') {
      const sent = await ctx.sendActivity('Holding seats…');
      await ctx.updateActivity({ ...MessageFactory.text('Seats held.'), id: sent?.id, conversation: ctx.activity.conversation });
    } else if (text === 'later') {
      this.later(adapter, TurnContext.getConversationReference(ctx.activity));
      await ctx.sendActivity("I'll message you when your tickets are ready.");
    } else {
      await ctx.sendActivity(`You said: ${text}`);
    }
  }

  /** What the worker does after Stripe says "paid": a proactive message on the same conversation. */
  private later(adapter: CloudAdapter, reference: Partial<ReturnType<typeof TurnContext.getConversationReference>>): void {
    const sent = new Promise((resolve) => setTimeout(resolve, PROACTIVE_DELAY_MS)).then(() =>
      // Anonymous mode: the bot's app id is '' (no token is fetched for the connector).
      adapter.continueConversationAsync('', reference, async (ctx) => {
        await ctx.sendActivity(TICKETS);
      }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }
}

interface TestBotServer {
  url: string;
  bot: TestBot;
  adapter: CloudAdapter;
  turnErrors: unknown[];
  close(): Promise<void>;
}

async function startTestBot(): Promise<TestBotServer> {
  // Empty app id and password: authentication disabled, as the Emulator expects.
  const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' });
  const adapter = new CloudAdapter(auth);
  const turnErrors: unknown[] = [];
  adapter.onTurnError = async (_ctx, err) => {
    turnErrors.push(err);
  };
  const bot = new TestBot(adapter);
  const app = express();
  app.post('/api/messages', express.json(), async (req, res) => {
    await adapter.process(req, res, (ctx) => bot.run(ctx));
  });
  const server = await listen(createServer(app));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`,
    bot,
    adapter,
    turnErrors,
    close: async () => {
      await Promise.allSettled([...bot.pending]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port = 0): Promise<Server> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = await listen(createServer());
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let botServer: TestBotServer;
let connector: BotConnectorServer;

beforeAll(async () => {
  botServer = await startTestBot();
  connector = await startBotConnector();
});

afterAll(async () => {
  await botServer?.close();
  await connector?.close();
});

afterEach(() => {
  expect(botServer.turnErrors).toEqual([]);
});

/** A conversation of its own per test, so recorded activities never mix. */
function newChat() {
  const ids = { conversationId: `${randomUUID()}|livechat`, userId: `user-${randomUUID().slice(0, 6)}`, serviceUrl: connector.url };
  return {
    ...ids,
    say: async (text: string) => {
      const activity = userMessage({ ...ids, text });
      expect(await sendActivity(botServer.url, activity)).toBe(200);
      return activity;
    },
    received: () => connector.activities.filter((a) => a.conversationId === ids.conversationId),
  };
}

describe('local Bot Framework connector, against a real CloudAdapter', () => {
  it('records the greeting sent for a conversationUpdate', async () => {
    const chat = newChat();
    const opened = conversationOpened(chat);
    expect(await sendActivity(botServer.url, opened)).toBe(200);

    expect(chat.received()).toMatchObject([
      { type: 'message', text: 'Welcome to the box office.', operation: 'reply', replyToId: opened.id },
    ]);
  });

  it('records a reply on the reply route, with the conversation id decoded and the user as recipient', async () => {
    const chat = newChat();
    const message = await chat.say('hello');

    const [reply] = chat.received();
    expect(reply).toMatchObject({
      text: 'You said: hello',
      operation: 'reply',
      conversationId: chat.conversationId,
      replyToId: message.id,
      recipient: { id: chat.userId },
      channelId: 'emulator',
    });
    expect(reply?.id).toEqual(expect.any(String));
  });

  it('records suggested actions, which the chat renders as numbered choices', async () => {
    const chat = newChat();
    await chat.say('choose');

    const [reply] = chat.received();
    expect(reply?.suggestedActions?.actions.map((a) => a.title)).toEqual(['Section 101', 'Courtside']);
    const rendered = renderActivity(reply!);
    expect(rendered?.lines).toEqual(['Which section?', '[1] Section 101  [2] Courtside']);
    expect(pickChoice('2', rendered!.choices)?.send).toEqual({ text: 'Courtside' });
  });

  it('records an edited message as an update of the same activity id', async () => {
    const chat = newChat();
    await chat.say('edit');

    const [sent, updated] = chat.received();
    expect(sent).toMatchObject({ operation: 'reply', text: 'Holding seats…' });
    expect(updated).toMatchObject({ operation: 'update', text: 'Seats held.', id: sent?.id });
  });

  it('receives a proactive message sent later with continueConversationAsync', async () => {
    const chat = newChat();
    const message = await chat.say('later');
    expect(chat.received().map((a) => a.text)).toEqual(["I'll message you when your tickets are ready."]);

    const tickets = await connector.waitFor((a) => a.conversationId === chat.conversationId && a.text === TICKETS);
    expect(tickets).toMatchObject({ operation: 'reply', recipient: { id: chat.userId } });
    // A proactive turn replies to its own continuation event, not to anything the user sent.
    expect(tickets.replyToId).toEqual(expect.any(String));
    expect(tickets.replyToId).not.toBe(message.id);
  });

  it('answers createConversationAsync with a new conversation id and delivers its first message', async () => {
    const parameters = {
      isGroup: false,
      bot: { id: 'bot', name: 'Bot' },
      members: [{ id: 'user-new', name: 'User' }],
      channelData: undefined,
    };
    const conversation = await new Promise<string>((resolve, reject) => {
      botServer.adapter
        .createConversationAsync('', 'emulator', connector.url, '', parameters, async (ctx) => {
          await ctx.sendActivity('Your upgrade offer: Courtside for $1,300.00.');
          resolve(ctx.activity.conversation.id);
        })
        .catch(reject);
    });

    expect(conversation).toEqual(expect.any(String));
    const offer = await connector.waitFor((a) => a.conversationId === conversation);
    expect(offer.text).toBe('Your upgrade offer: Courtside for $1,300.00.');
  });

  it('waitFor rejects after its timeout, naming what did arrive', async () => {
    await expect(connector.waitFor(() => false, 50)).rejects.toThrow(/No matching activity within 50 ms/);
  });
});

describe('rendering activities for the terminal', () => {
  const message = (fields: Partial<WireActivity>): WireActivity => ({ type: 'message', ...fields });

  it('numbers choices as [n] title, two spaces apart', () => {
    const rendered = renderActivity(
      message({
        text: 'Which section?',
        suggestedActions: { actions: [{ type: 'imBack', title: 'Section 101', value: 'Section 101' }, { type: 'imBack', title: 'Courtside', value: 'courtside' }] },
      }),
    );
    expect(formatChoices(rendered!.choices)).toBe('[1] Section 101  [2] Courtside');
    expect(pickChoice('2', rendered!.choices)?.send).toEqual({ text: 'courtside' });
  });

  it('prints a hero card with its openUrl button as a link, and its other buttons as choices', () => {
    const rendered = renderActivity(
      message({
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.hero',
            content: {
              title: '2 × Section 101',
              subtitle: '$400.00',
              buttons: [
                { type: 'openUrl', title: 'Pay', value: 'https://checkout.example/pay/cs_1' },
                { type: 'postBack', title: 'Cancel', value: { action: 'cancel' } },
              ],
            },
          },
        ],
      }),
    );
    expect(rendered?.lines).toEqual(['2 × Section 101', '$400.00', 'Pay: https://checkout.example/pay/cs_1', '[1] Cancel']);
    expect(rendered?.choices[0]?.send).toEqual({ value: { action: 'cancel' } });
  });

  it('sends what Web Chat sends for postBack and messageBack buttons', () => {
    const rendered = renderActivity(
      message({
        suggestedActions: {
          actions: [
            { type: 'postBack', title: 'Yes', value: 'yes' },
            { type: 'messageBack', title: 'Upgrade', text: 'upgrade BX-7K2Q', value: { order: 'BX-7K2Q' } },
          ],
        },
      }),
    );
    expect(rendered?.choices.map((c) => c.send)).toEqual([
      { text: 'yes', value: 'yes' },
      { text: 'upgrade BX-7K2Q', value: { order: 'BX-7K2Q' } },
    ]);
  });

  it('prints a markdown text as the sentence it shows: escapes undone, hard breaks as line ends', () => {
    const rendered = renderActivity({ type: 'message', text: 'Crypto\\.com Arena  \nSection 101, row A', textFormat: 'markdown' });
    expect(rendered?.lines).toEqual(['Crypto.com Arena', 'Section 101, row A']);
    // Plain text is printed as it is, backslashes and all.
    expect(renderActivity({ type: 'message', text: 'C:\\tickets', textFormat: 'plain' })?.lines).toEqual(['C:\\tickets']);
  });

  it('shows nothing for typing indicators and traces', () => {
    expect(renderActivity({ type: 'typing' })).toBeUndefined();
    expect(renderActivity({ type: 'trace', name: 'TurnError', value: 'boom' })).toBeUndefined();
  });

  it('picks only numbers within range', () => {
    const choices = [{ title: 'Section 101', send: { text: 'Section 101' } }];
    expect(pickChoice(' 1 ', choices)?.title).toBe('Section 101');
    expect(pickChoice('[1]', choices)?.title).toBe('Section 101');
    expect(pickChoice('2', choices)).toBeUndefined();
    expect(pickChoice('0', choices)).toBeUndefined();
    expect(pickChoice('1 ticket', choices)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
// `npm run chat` as a child process

const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const CHAT = fileURLToPath(new URL('../src/cli/chat.ts', import.meta.url));

interface ChatProcess {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves once stdout+stderr contain `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  exitCode: Promise<number | null>;
}

function runChat(botUrl: string): ChatProcess {
  const child = spawn(TSX, [CHAT, '--url', botUrl], { env: { ...process.env, BOT_URL: '', NO_COLOR: '1' } });
  let output = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    waiters.forEach((check) => check());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exitCode,
    waitForOutput: (text, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!output.includes(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`chat never printed ${JSON.stringify(text)}; it printed:\n${output}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

describe('npm run chat (src/cli/chat.ts)', () => {
  it('greets, echoes, turns a typed number into that choice, and prints a proactive message', async () => {
    const chat = runChat(botServer.url);
    try {
      await chat.waitForOutput('Bot: Welcome to the box office.');
      chat.child.stdin.write('hello\n');
      await chat.waitForOutput('Bot: You said: hello');
      chat.child.stdin.write('choose\n');
      await chat.waitForOutput('[1] Section 101  [2] Courtside');
      chat.child.stdin.write('1\n');
      await chat.waitForOutput('Bot: You said: Section 101');
      chat.child.stdin.write('card\n');
      await chat.waitForOutput('Pay: https://checkout.example/pay/cs_1');
      chat.child.stdin.write('later\n');
      await chat.waitForOutput(`Bot: ${TICKETS}`);
      chat.child.stdin.write('/quit\n');
      expect(await chat.exitCode).toBe(0);
    } finally {
      chat.child.kill();
    }
  });

  it('exits on end of input (Ctrl-D)', async () => {
    const chat = runChat(botServer.url);
    try {
      await chat.waitForOutput('Welcome to the box office.');
      chat.child.stdin.end('bye\n');
      expect(await chat.exitCode).toBe(0);
      expect(chat.output()).toContain('Bot: You said: bye');
    } finally {
      chat.child.kill();
    }
  });

  it('says in one line that nothing answers, and exits 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}/api/messages`;
    const chat = runChat(url);
    chat.child.stdin.end();

    expect(await chat.exitCode).toBe(1);
    expect(chat.output()).toBe(`Nothing answers at ${url} — start the bot with \`npm start\` in another terminal.\n`);
  });
});
