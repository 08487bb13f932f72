// `npm run sms`: text the running box office from a terminal, with no Twilio
// account. This is the demo phone (/demo/phone) in a terminal: each line is
// posted to the box office's demo phone API, which hands it to /sms/inbound
// signed as Twilio would; the replies and every later text (the tickets,
// after the demo checkout is paid) are printed as they arrive.
//
//   npm run sms [-- --from +15551234567] [-- --url http://localhost:3978]   (or BOX_OFFICE_URL)
//
// /quit or Ctrl-D leaves.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEMO_PHONE_PATH } from '../http/paths.js';
import { PromptedTerminal } from './terminal.js';

const QUIT = '/quit';
const POLL_MS = 1_000;

interface PhoneMessage {
  seq: number;
  from: 'you' | 'box office';
  body: string;
}

function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): { url: string; from: string } {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, from: { type: 'string' } }, strict: false });
  const url = (typeof values.url === 'string' ? values.url : env.BOX_OFFICE_URL) || `http://localhost:${env.PORT ?? 3978}`;
  // A number of this user's own, the same every run, so the conversation carries on.
  const from = typeof values.from === 'string' ? values.from : `+1555${String(4_000_000 + ((process.getuid?.() ?? 0) % 1_000_000)).padStart(7, '0')}`;
  return { url: url.replace(/\/+$/, ''), from };
}

/** The newest message this number has: what came before is not shown again, the terminal starts empty. */
async function lastSeq(api: string, from: string): Promise<number> {
  const response = await fetch(`${api}?number=${encodeURIComponent(from)}`);
  return response.ok ? (((await response.json()) as { messages: PhoneMessage[] }).messages.at(-1)?.seq ?? 0) : 0;
}

class Phone {
  #last: number;

  constructor(
    private readonly api: string,
    private readonly from: string,
    private readonly terminal: PromptedTerminal,
    last: number,
  ) {
    this.#last = last;
  }

  async send(body: string): Promise<void> {
    const response = await fetch(this.api, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: this.from, body }) });
    const answer = (await response.json().catch(() => ({}))) as { messages?: PhoneMessage[]; error?: string };
    this.show(answer.messages ?? []);
    if (!response.ok) this.terminal.print([`(${answer.error ?? `the box office answered ${response.status}`})`]);
  }

  async poll(): Promise<void> {
    this.show(await this.read());
  }

  private async read(): Promise<PhoneMessage[]> {
    const response = await fetch(`${this.api}?number=${encodeURIComponent(this.from)}&after=${this.#last}`);
    return response.ok ? ((await response.json()) as { messages: PhoneMessage[] }).messages : [];
  }

  private show(messages: PhoneMessage[]): void {
    for (const message of messages) {
      if (message.seq <= this.#last) continue;
      this.#last = message.seq;
      // What you typed is on screen already.
      if (message.from === 'you') continue;
      const [first = '', ...rest] = message.body.split('\n');
      this.terminal.print([`Box office: ${first}`, ...rest.map((line) => `            ${line}`)]);
    }
  }
}

async function sms(url: string, from: string): Promise<number> {
  const api = `${url}${DEMO_PHONE_PATH}/messages`;
  const page = await fetch(`${url}${DEMO_PHONE_PATH}`).catch(() => undefined);
  if (!page) {
    process.stderr.write(`Nothing answers at ${url}: start the box office with \`npm start\` in another terminal.\n`);
    return 1;
  }
  if (page.status === 404) {
    process.stderr.write(`The box office at ${url} has Twilio configured, so it has no demo phone: text its Twilio number from a real phone.\n`);
    return 1;
  }
  const last = await lastSeq(api, from);
  // Created only now, so lines piped in early wait in stdin rather than being read before anyone listens.
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty, prompt: '> ' });
  const terminal = new PromptedTerminal(rl, tty);
  const phone = new Phone(api, from, terminal, last);
  terminal.print([`Texting the box office at ${url} from ${from} (a demo phone: nothing is sent by SMS). ${QUIT} or Ctrl-D to leave.`]);

  let queue = Promise.resolve();
  const timer = setInterval(() => {
    queue = queue.then(() => phone.poll()).catch(() => undefined);
  }, POLL_MS);
  rl.on('line', (line) => {
    const text = line.trim();
    if (text === QUIT) return rl.close();
    if (!text) return terminal.prompt();
    // One at a time, so replies print in the order they were asked for.
    queue = queue.then(async () => {
      await phone.send(text).catch((err: unknown) => terminal.print([`(no answer from the box office: ${(err as Error).message})`]));
      terminal.prompt();
    });
  });
  rl.on('SIGINT', () => rl.close());
  await new Promise<void>((resolve) => rl.once('close', resolve));
  clearInterval(timer);
  await queue;
  // Tickets may still be on their way after the last line piped in: one more look.
  await phone.poll().catch(() => undefined);
  return 0;
}

const { url, from } = optionsFrom(process.argv.slice(2), process.env);
process.exit(await sms(url, from));
