import { randomInt } from 'node:crypto';
import { ID_ALPHABET } from './order-id.js';

/**
 * One ticket code per place: `BX-7K2Q-A12-9F3K` for seat A-12, `BX-7K2Q-GA3-…`
 * for the third standing place. The random tail makes codes unguessable from
 * the order id; codes are stored on the order by the transition that fulfils
 * it, so a retried job that draws new ones never replaces the first set.
 */
export function issueTickets(orderId: string, seats: string[], quantity: number): string[] {
  const places = seats.length > 0 ? seats.map((seat) => seat.replace('-', '')) : range(quantity).map((i) => `GA${i + 1}`);
  return places.map((place) => `${orderId}-${place}-${randomTail(4)}`);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function randomTail(length: number): string {
  let tail = '';
  for (let i = 0; i < length; i += 1) tail += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return tail;
}
