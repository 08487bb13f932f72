// Who a customer is, as every layer sees them: the channel they write on and
// their address there. It comes from the route that received the message
// (DESIGN rule 10), is stored on their orders, and names their keys in Redis.
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const channelSchema = z.enum(['sms', 'chat']);
export type Channel = z.infer<typeof channelSchema>;

export const customerSchema = z.object({
  channel: channelSchema,
  /** E.164 phone number (sms) or the channel's user id (chat). */
  address: z.string().min(1),
  /** Bot Framework ConversationReference for proactive messages, stored as JSON. */
  conversation: z.unknown().optional(),
});
export type Customer = z.infer<typeof customerSchema>;

/**
 * A short, stable, non-reversible name for a customer, for use in Redis key
 * names so a full phone number never appears in one (DESIGN.md rule 8).
 */
export function customerKey(channel: Channel, address: string): string {
  return createHash('sha256').update(`${channel}:${address}`).digest('base64url').slice(0, 16);
}
