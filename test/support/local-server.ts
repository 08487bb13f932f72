// What every local stand-in server of the tests (Stripe, Twilio, Microsoft's
// login) does the same way: read a request's body, and stop.
import type { IncomingMessage, Server } from 'node:http';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Stops listening and drops kept-alive sockets: the SDKs and the bot keep connections open, and close() would wait for them. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
