// A reverse proxy in front of a local API server (Stripe's, Twilio's) that
// holds back its answers to chosen requests until the test opens the gate. The
// request reaches the server at once and takes effect there; only the answer
// waits. A test can so keep a job in flight for as long as it needs, whatever
// the machine's speed, instead of guessing at a latency.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AnswerGate {
  /** Base URL to use instead of the server's. */
  url: string;
  /** Answers held back so far (requests that matched). */
  held(): number;
  /** Lets every held answer through, and every later one at once. */
  open(): void;
  close(): Promise<void>;
}

/** Proxies to `target`; answers to requests for which `hold(method, path)` is true wait for open(). */
export async function startAnswerGate(target: string, hold: (method: string, path: string) => boolean): Promise<AnswerGate> {
  let opened = false;
  let heldCount = 0;
  const waiting: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://gate').pathname;
    const gated = !opened && hold(req.method ?? 'GET', path);
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const send = () => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        };
        if (gated && !opened) {
          heldCount += 1;
          waiting.push(send);
        } else send();
      });
    });
    upstream.on('error', (err) => res.destroy(err));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    held: () => heldCount,
    open() {
      opened = true;
      for (const send of waiting.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
