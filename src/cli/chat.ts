// `npm run chat`: talk to the running bot from a terminal, the way the Bot
// Framework Emulator does in anonymous mode. This process is the channel: it
// runs a local connector (its serviceUrl) that receives the bot's replies and
// its later, proactive messages (tickets after paying), and posts what you
// type to the bot's /api/messages.
//
//   npm run chat [-- --url http://localhost:3978/api/messages]   (or BOT_URL)
//
// Type a number to press that button; /quit or Ctrl-D leaves.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  BotUnreachableError,
  conversationUpdateActivity,
  messageActivity,
  newConversation,
  pickChoice,
  postActivityToBot,
  renderActivity,
  startEmulatorConnector,
  type Choice,
  type EmulatorConversation,
  type ReceivedActivity,
  type WireActivity,
} from '../channels/chat/emulator-connector.js';
import { PromptedTerminal } from './terminal.js';

const QUIT = '/quit';

/** The bot's endpoint: `--url`, then BOT_URL, then the Bot Framework default port. */
function botUrlFrom(argv: string[], env: NodeJS.ProcessEnv): string {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' } }, strict: false });
  const url = typeof values.url === 'string' ? values.url : env.BOT_URL;
  return url || `http://localhost:${env.PORT ?? 3978}/api/messages`;
}

function unreachableHint(botUrl: string): string {
  return `Nothing answers at ${botUrl} — start the bot with \`npm start\` in another terminal.`;
}

function refusedHint(botUrl: string, status: number): string {
  return `The bot at ${botUrl} refused an anonymous request (${status}): run it with MicrosoftAppId and MicrosoftAppPassword empty, as for the Emulator.`;
}

/** Prints the bot's activities above the prompt line, and remembers the latest buttons. */
class Terminal extends PromptedTerminal {
  /** The buttons of the bot's latest message: what a typed number picks. */
  choices: Choice[] = [];

  show(activity: ReceivedActivity): void {
    const rendered = renderActivity(activity);
    if (!rendered) return;
    // Like Web Chat, only the latest message's buttons are live.
    if (activity.type === 'message') this.choices = rendered.choices;
    const [first = '', ...rest] = rendered.lines;
    const label = activity.operation === 'update' ? 'Bot (edited)' : 'Bot';
    this.print([`${label}: ${first}`, ...rest.map((line) => `     ${line}`)]);
  }
}

/** Posts one activity and tells the user when nothing useful came back. */
async function send(botUrl: string, activity: WireActivity, terminal: Terminal): Promise<void> {
  try {
    const answer = await postActivityToBot(botUrl, activity);
    if (answer.status === 401 || answer.status === 403) {
      terminal.print([refusedHint(botUrl, answer.status)]);
    } else if (answer.status >= 300) {
      terminal.print([`(the bot answered ${answer.status}${answer.body ? `: ${answer.body.slice(0, 200)}` : ''})`]);
    }
  } catch (err) {
    if (err instanceof BotUnreachableError) {
      terminal.print([unreachableHint(botUrl)]);
    } else {
      terminal.print([`(no answer from the bot: ${(err as Error).message})`]);
    }
  }
}

/** What a typed line sends: a numbered button's text/value, or the line itself. */
function contentFor(line: string, terminal: Terminal) {
  const choice = pickChoice(line, terminal.choices);
  return choice ? choice.send : { text: line };
}

async function chat(botUrl: string): Promise<number> {
  const connector = await startEmulatorConnector();
  const conversation: EmulatorConversation = newConversation(connector.url);
  // The bot's greeting arrives while the chat is being opened: hold it until the banner is out.
  const early: ReceivedActivity[] = [];
  let show = (activity: ReceivedActivity): void => {
    early.push(activity);
  };
  connector.onActivity((activity) => show(activity));

  // Opening the chat tells us at once whether a bot is there, and one that
  // wants a token will never answer this terminal: both end the run.
  const opened = await postActivityToBot(botUrl, conversationUpdateActivity(conversation)).catch((err: unknown) => {
    if (err instanceof BotUnreachableError) return undefined;
    throw err;
  });
  const refusal = !opened ? unreachableHint(botUrl) : opened.status === 401 || opened.status === 403 ? refusedHint(botUrl, opened.status) : undefined;
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    await connector.close();
    return 1;
  }

  // Created only now, so lines piped in early wait in stdin rather than being read before anyone listens.
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty, prompt: '> ' });
  const terminal = new Terminal(rl, tty);
  terminal.print([`Chatting with ${botUrl} as ${conversation.user.id}. Type a number to pick a choice; ${QUIT} or Ctrl-D to leave.`]);
  show = (activity) => {
    terminal.show(activity);
  };
  early.splice(0).forEach(show);

  // Lines are sent one at a time, so replies print in the order they were asked for.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    const text = line.trim();
    if (text === QUIT) return rl.close();
    if (!text) return terminal.prompt();
    queue = queue.then(async () => {
      await send(botUrl, messageActivity(conversation, contentFor(text, terminal)), terminal);
      terminal.prompt();
    });
  });
  rl.on('SIGINT', () => rl.close());
  await new Promise<void>((resolve) => rl.once('close', resolve));
  await queue;
  await connector.close();
  return 0;
}

const code = await chat(botUrlFrom(process.argv.slice(2), process.env));
process.exit(code);
