import { z } from 'zod';
import { customerKey, type Customer } from '../customers/customer.js';
import type { SavedCard } from '../checkout/saved-cards.js';
import type { RedisClient } from '../redis/redis.client.js';

/**
 * The words a customer agrees to when they tick "save my card" on the
 * payment page; kept with the card and the time they agreed, as Stripe asks
 * of a business that charges a saved card later
 * (https://docs.stripe.com/payments/save-during-payment#compliance).
 */
export const SAVE_CARD_CONSENT =
  'Save my card with Stripe so I can buy tickets from the Box Office by replying YES to a text or chat message. ' +
  'Each charge is for the tickets I ask for, at the price shown in that message. I can remove the card at any time by sending FORGET MY CARD.';

const savedSchema = z.object({
  customerId: z.string().min(1),
  paymentMethodId: z.string().min(1),
  brand: z.string(),
  last4: z.string(),
  expMonth: z.coerce.number().int(),
  expYear: z.coerce.number().int(),
  consentAt: z.iso.datetime(),
  /** The order whose payment saved it. */
  savedWith: z.string(),
});
export type StoredCard = z.infer<typeof savedSchema>;

/** Card fields of the hash: removed together when the card is forgotten; the Customer id stays. */
const CARD_FIELDS = ['paymentMethodId', 'brand', 'last4', 'expMonth', 'expYear', 'consentAt', 'savedWith'] as const;

/**
 * Who may keep a card on file: an identity the box office can vouch for. An
 * SMS number is one (Twilio signs what it received from the carrier); a chat
 * user only on a channel that authenticates its users (Teams, with the bot's
 * own app id) and never an anonymous chat id, which any client can write.
 */
export function maySaveCard(customer: Customer, chat: { anonymous: boolean; channelId?: string }): boolean {
  if (customer.channel === 'sms') return true;
  return !chat.anonymous && chat.channelId === 'msteams';
}

/**
 * A customer's saved card and their Customer at the payment provider, one
 * hash per identity (keyed by customerKey: no phone number in a key name).
 * The provider Customer is made once per identity and never shared: the
 * first id written wins (HSETNX), so two purchases racing to make one end
 * with the same Customer.
 */
export class SavedCardStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The provider Customer of this identity, if one was made. */
  async customerIdOf(customer: Customer): Promise<string | undefined> {
    return (await this.redis.hget(this.key(customer), 'customerId')) ?? undefined;
  }

  /** Keeps `customerId` as the identity's Customer unless one is kept already; answers the one kept. */
  async keepCustomer(customer: Customer, customerId: string): Promise<string> {
    const key = this.key(customer);
    await this.redis.hsetnx(key, 'customerId', customerId);
    return (await this.redis.hget(key, 'customerId'))!;
  }

  /** Keeps the card the customer chose to save, with the time they agreed to SAVE_CARD_CONSENT; it replaces any earlier one. */
  async save(customer: Customer, card: SavedCard, savedWith: string): Promise<StoredCard> {
    const kept = await this.keepCustomer(customer, card.customerId);
    if (kept !== card.customerId) throw new Error(`the card belongs to provider customer ${card.customerId}, not this identity's ${kept}`);
    const stored: StoredCard = {
      customerId: card.customerId,
      paymentMethodId: card.paymentMethodId,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      consentAt: new Date(this.now()).toISOString(),
      savedWith,
    };
    await this.redis.hset(this.key(customer), Object.fromEntries(CARD_FIELDS.map((field) => [field, String(stored[field])])));
    return stored;
  }

  /** The saved card, if the identity has one. */
  async cardOf(customer: Customer): Promise<StoredCard | undefined> {
    const parsed = savedSchema.safeParse(await this.redis.hgetall(this.key(customer)));
    return parsed.success ? parsed.data : undefined;
  }

  /** Forgets the card here (the caller removes it at the provider first); the Customer id is kept for a card saved later. */
  async forget(customer: Customer): Promise<void> {
    await this.redis.hdel(this.key(customer), ...CARD_FIELDS);
  }

  private key(customer: Customer): string {
    return `${this.prefix}saved-card:${customerKey(customer.channel, customer.address)}`;
  }
}
