import { clearLine, cursorTo, type Interface } from 'node:readline';

/**
 * Prints above the prompt line, keeping what the user is typing: messages
 * arrive while they type (the tickets after paying), in `npm run chat` and
 * `npm run sms` alike.
 */
export class PromptedTerminal {
  readonly #rl: Interface;
  readonly #tty: boolean;
  #closed = false;

  constructor(rl: Interface, tty: boolean) {
    this.#rl = rl;
    this.#tty = tty;
    rl.once('close', () => {
      this.#closed = true;
    });
  }

  print(lines: string[]): void {
    if (this.#tty) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    this.prompt();
  }

  prompt(): void {
    // preserveCursor keeps a half-typed line in place when a message arrives.
    if (this.#tty && !this.#closed) this.#rl.prompt(true);
  }
}
