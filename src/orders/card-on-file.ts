import type { Logger } from 'pino';
import type { SavedCard, SavedCards } from '../checkout/saved-cards.js';
import { customerKey, type Customer } from '../customers/customer.js';
import type { Order } from './order.js';
import type { OrderStore } from './order.store.js';
import { maySaveCard, SAVE_CARD_CONSENT, type SavedCardStore, type StoredCard } from './saved-card.store.js';

/**
 * Saving a customer's card for buying by reply: the Checkout page offers it
 * to an identity that may keep one (checkoutOption), and once the payment is
 * confirmed the card the customer chose to save is kept (keepFrom). Neither
 * ever stands in the way of a purchase: a provider that cannot make a
 * Customer just means a page without the choice.
 */
export class CardOnFile {
  constructor(
    private readonly deps: {
      provider: Pick<SavedCards, 'createCustomer' | 'forget'>;
      store: SavedCardStore;
      orders: Pick<OrderStore, 'note'>;
      /** True when the bot takes chat from anyone (no MicrosoftAppId): no chat id is then vouched for. */
      anonymousChat: boolean;
      /** Whether the payment page offers saving at all (SAVED_CARDS); a card saved earlier can always be seen and forgotten. */
      offer: boolean;
      log: Logger;
    },
  ) {}

  /** What the Checkout request carries to offer saving the card, or undefined for an identity that may not keep one. */
  async checkoutOption(customer: Customer): Promise<{ customerId: string; consent: string } | undefined> {
    if (!this.deps.offer || !this.maySave(customer)) return undefined;
    try {
      const key = customerKey(customer.channel, customer.address);
      const customerId =
        (await this.deps.store.customerIdOf(customer)) ??
        (await this.deps.store.keepCustomer(customer, await this.deps.provider.createCustomer(`${customer.channel}:${customer.address}`, `customer-${key}`)));
      return { customerId, consent: SAVE_CARD_CONSENT };
    } catch (err) {
      this.deps.log.warn({ component: 'saved-card', err: (err as Error).message }, 'no provider customer: the payment page goes without the save choice');
      return undefined;
    }
  }

  /** After a paid Checkout: keeps the card the customer chose to save there (read with the paid session), if they did. */
  async keepFrom(order: Order, saved: SavedCard | undefined): Promise<void> {
    // Only a page that offered the choice can have saved a card: no other is looked at.
    if (!saved || !this.deps.offer || order.kind !== 'tickets' || !this.maySave(order.customer)) return;
    try {
      if (saved.customerId !== (await this.deps.store.customerIdOf(order.customer))) return;
      await this.deps.store.save(order.customer, saved, order.id);
      await this.deps.orders.note(order.id, 'card-saved', `the customer saved their card (${saved.brand} ending ${saved.last4}) for paying by reply`);
    } catch (err) {
      this.deps.log.warn({ component: 'saved-card', orderId: order.id, err: (err as Error).message }, 'the card saved at checkout could not be kept');
    }
  }

  /** The customer's saved card, if they have one. */
  async cardOf(customer: Customer): Promise<StoredCard | undefined> {
    return this.deps.store.cardOf(customer);
  }

  /** Removes the customer's card at the provider, then here; the card that was removed, or undefined when none was saved. */
  async forget(customer: Customer): Promise<StoredCard | undefined> {
    const card = await this.deps.store.cardOf(customer);
    if (!card) return undefined;
    await this.deps.provider.forget(card.paymentMethodId);
    await this.deps.store.forget(customer);
    return card;
  }

  private maySave(customer: Customer): boolean {
    const channelId = customer.channel === 'chat' ? customer.address.slice(0, customer.address.indexOf(':')) : undefined;
    return maySaveCard(customer, { anonymous: this.deps.anonymousChat, ...(channelId ? { channelId } : {}) });
  }
}
