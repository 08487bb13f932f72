// The client's address, for the one channel where it is all that tells
// clients apart: an anonymous /api/messages (no MicrosoftAppId), where any
// client may write under any fresh user id. The route that received the
// request leaves it in the turn's state (DESIGN rule 10: who writes comes
// from the route, never from the activity), and the purchase dialog hands it
// to the hold, whose per-address budget it names.
import { createHash } from 'node:crypto';
import type { TurnContext } from 'botbuilder';

const CLIENT_ADDRESS = Symbol('clientAddress');

/**
 * Records where this turn's request came from: an address, or the network a
 * caller owns whole (an IPv6 /64). Kept as a hash, so no IP address names a
 * Redis key (DESIGN rule 8).
 */
export function rememberClientAddress(context: TurnContext, address: string): void {
  context.turnState.set(CLIENT_ADDRESS, createHash('sha256').update(address).digest('base64url').slice(0, 16));
}

/** The opaque key of the turn's client address, when the route that received it recorded one. */
export function clientAddressOf(context: TurnContext): string | undefined {
  const key: unknown = context.turnState.get(CLIENT_ADDRESS);
  return typeof key === 'string' ? key : undefined;
}
