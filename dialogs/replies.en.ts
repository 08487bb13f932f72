// Every sentence the bot says in English, in one place (replies.es.ts says
// the same in Spanish; replies.ts picks by the conversation's language).
// Short and plain: each fits an SMS segment or two, and uses only characters
// SMS carries without switching to UCS-2 (which would cut a segment from 160
// characters to 70).
import type { TurnContext } from 'botbuilder';
import { describeEvent, describeSeats, formatEventTime, formatPrice, formatVenueTime } from '../src/catalog/describe.js';
import type { CatalogEvent, Section } from '../src/catalog/catalog.schema.js';
import { isSms } from '../src/bot/customer.js';
import type { CardPayment, Order } from '../src/orders/order.js';
import { cardName } from '../src/checkout/saved-cards.js';


/** The word that leaves a purchase. On SMS, CANCEL is a carrier opt-out word that Twilio acts on. */
export function leaveWord(context: TurnContext): string {
  return isSms(context) ? 'EXIT' : 'cancel';
}

/** How the customer sends us a word: texted on SMS, typed in a chat window ("Text STATUS", "Type STATUS"). */
function sendWord(context: TurnContext): string {
  return isSms(context) ? 'Text' : 'Type';
}

/** How the customer answers a question: a reply text on SMS; said, or a button, on chat. */
function answerWord(context: TurnContext): string {
  return isSms(context) ? 'Reply' : 'Say';
}

export const BOX_OFFICE_NAME = 'the Box Office';

const tickets = (n: number) => (n === 1 ? '1 ticket' : `${n} tickets`);

export const english = {
  welcome: `Hi! This is ${BOX_OFFICE_NAME}. Which event would you like tickets for?`,
  whichEvent: 'Which event would you like tickets for?',
  /** Several events fit what was said (a show twice, a team's two games): never guess the night. */
  whichOfThese: (events: readonly CatalogEvent[]) =>
    events.every((event) => event.name === events[0]!.name) ? `${events[0]!.name} is on ${events.length} times. Which one?` : 'Which one do you mean?',
  /** What was asked for is not on that day or at that time. */
  notThen: (events: readonly CatalogEvent[]) =>
    events.every((event) => event.name === events[0]!.name) ? `We don't have ${events[0]!.name} then. It is on:` : "We don't have that then. What we have:",
  /** Named by the customer, not in the catalog: say so, then what is on. */
  notOnSale: (named: string) =>
    `Sorry, ${named && named.length <= 40 ? `"${named}" isn't` : "that isn't"} on sale here. Which of these would you like?`,
  didYouMean: (event: CatalogEvent) => `Did you mean ${event.name}?`,
  noEvents: 'There are no events on sale right now. Please check back soon.',
  notUnderstood: "Sorry, I didn't catch that.",
  howMany: (max: number) => `How many tickets? (1-${max})`,
  tooMany: (max: number) => `We can hold up to ${max} tickets per order.`,
  mediaOnly: 'I can only read text. Tell me the event and how many tickets, e.g. "2 tickets lakers".',
  help: (context: TurnContext) =>
    [
      `This is ${BOX_OFFICE_NAME}. Tell me the event and how many tickets, e.g. "2 tickets lakers section 101".`,
      `STATUS shows your orders. ${leaveWord(context).toUpperCase()} leaves a purchase.`,
      // REFUND, not CANCEL: on SMS a CANCEL sent alone opts the number out ("refund BX-7K2Q" reads as "cancel BX-7K2Q").
      'REFUND and an order number cancels a paid order for a refund, if its event allows. UPGRADE asks for better seats.',
      ...(isSms(context) ? ['Reply STOP to opt out.'] : []),
    ].join(' '),
  left: 'Okay, stopped. Nothing is held. Message me any time to start again.',
  restarted: "Okay, let's start over.",
  nothingToCancel: 'You have nothing waiting for payment.',
  /** "cancel" naming no order, with several holds waiting for payment: which one? */
  whichHeldToCancel: (orderIds: string[]) =>
    `Which one? Send CANCEL and the order number, e.g. CANCEL ${orderIds[0]}. Waiting for payment: ${orderIds.join(', ')}.`,
  orderCancelled: (orderId: string) => `Order ${orderId} is cancelled and the seats are released. No payment was taken.`,
  alreadyPaid: (orderId: string, context: TurnContext) => `Order ${orderId} is already paid, so it can't be cancelled here. ${sendWord(context)} STATUS to see it.`,
  checkoutFailed: "Sorry, the payment page couldn't be opened just now, so I let the seats go. Please try again in a minute.",
  soldOut: (section: Section) => `${section.name} is sold out.`,
  notEnough: (section: Section, available: number) => `Only ${available} left in ${section.name}.`,
  notTogether: (section: Section, largest: number) =>
    `${section.name} can't seat your party together right now (${largest} together at most).`,
  pickAlternative: 'Would one of these work?',
  nothingFits: (quantity: number, context: TurnContext) =>
    `Sorry, no section has ${quantity} seats together right now. Try fewer tickets, or ${sendWord(context).toLowerCase()} STATUS for your orders.`,
  nothingUnder: (max: number, currency: string) => `Nothing is under ${formatPrice(max, currency)} per ticket. Here is everything:`,
  openHold: (order: Order, section: Section | undefined, payUrl: string, context: TurnContext) =>
    `You already have seats held for this event: ${describeSeats(section, order.seats, order.quantity)}, order ${order.id}. ` +
    `Pay here: ${payUrl} or ${sendWord(context).toLowerCase()} ${leaveWord(context).toUpperCase()} to let them go.`,
  held: (event: CatalogEvent, section: Section, order: Order, holdMinutes: number) =>
    `Holding ${describeSeats(section, order.seats, order.quantity)} for ${describeEvent(event)}: ` +
    `${formatPrice(order.amount, order.currency)} for ${order.quantity}. Pay within ${holdMinutes} min`,
  /** A change of a held order: the new hold is secured, the earlier one let go. */
  replacedHold: (orderId: string) => `Changed: order ${orderId} is released and its link no longer works.`,
  earlierHoldStands: (orderId: string) => `Your earlier hold, order ${orderId}, still stands with its link.`,
  checkoutFailedNoChange: "Sorry, the payment page for that change couldn't be opened just now, so nothing changed.",
  alreadyPaidNoChange: (orderId: string, context: TurnContext) => `Order ${orderId} was just paid, so it stays as it is. ${sendWord(context)} STATUS to see it.`,
  /** Asked for an event before its onSaleAt: when it opens, on the venue's clock. */
  notOnSaleYet: (event: CatalogEvent, onSaleAt: string) => `${describeEvent(event)} goes on sale ${formatVenueTime(Date.parse(onSaleAt), event)}. Nothing is held yet: message us then to buy.`,
  payButton: (order: Order) => `Pay ${formatPrice(order.amount, order.currency)}`,
  /** After the hold, to a customer with a saved card: the pay link follows ("., or open <link>"; on chat, a button). */
  payByReply: (order: Order, card: CardPayment, context: TurnContext) =>
    `${answerWord(context)} YES to pay ${formatPrice(order.amount, order.currency)} with ${cardName(card)}, or ${isSms(context) ? 'open' : 'pay on the page'}`,
  paying: (order: Order, card: CardPayment) => `Paying ${formatPrice(order.amount, order.currency)} with ${cardName(card)}. Your tickets follow in a moment (order ${order.id}).`,
  alreadyPaying: (order: Order, card: CardPayment) => `Already paying with ${cardName(card)}: your tickets for order ${order.id} follow in a moment.`,
  paidOnPage: (orderId: string) => `Order ${orderId} was already paid on the payment page, so your card was not charged. Your tickets follow.`,
  cardRefused: (card: CardPayment, needsAuthentication: boolean) =>
    needsAuthentication
      ? `Your bank wants to confirm this payment with you, so ${cardName(card)} was not charged. Your seats are still held: pay and confirm on the payment page`
      : `${cardName(card)} was declined, so nothing was charged. Your seats are still held: pay another way on the payment page`,
  noCardToPay: 'No card is saved for paying by reply any more, so nothing was charged. Your seats are still held: pay on the payment page',
  payingCutShort: (orderId: string, context: TurnContext) =>
    `Your card payment for order ${orderId} couldn't be finished just now. Your seats stay held, and we'll ${isSms(context) ? 'text' : 'message'} you as soon as we know how it went.`,
  /** A limit on unpaid holds refused this one: too many from the client's address, or first-time buyers hold their share of the section. Nothing is held. */
  holdLimit: (limit: 'origin_holds' | 'unpaid_share', section: Section, holdMinutes: number) =>
    limit === 'origin_holds'
      ? `Too many tickets for this event are already on hold from your connection, waiting for payment. Pay for or cancel those first, or try again once their hold ends (within about ${holdMinutes} min).`
      : `So many tickets in ${section.name} are waiting for payment right now that I can't hold more yet. Holds that aren't paid are released within about ${holdMinutes} min: please try again then, or pick another section.`,
  sectionQuestion: (event: CatalogEvent) => `${event.name}: which section?`,
  // Cancelling a paid order (a refund).
  noOrderToCancel: (context: TurnContext) => `You have no paid orders to cancel. ${sendWord(context)} STATUS to see your orders.`,
  whichOrderToCancel: (orderIds: string[]) =>
    `Which order? Send CANCEL and the order number, e.g. CANCEL ${orderIds[0]}. Your paid orders: ${orderIds.join(', ')}.`,
  orderNotYours: (orderId: string, context: TurnContext) => `I can't find order ${orderId} for you. ${sendWord(context)} STATUS to see your orders.`,
  orderAlreadyEnded: (orderId: string) => `Order ${orderId} was never paid, so there is nothing to cancel or refund.`,
  orderAlreadyRefunded: (orderId: string) => `Order ${orderId} is already refunded.`,
  refundUnderway: (orderId: string) => `A refund for order ${orderId} is already on its way. I'll message you when it's through.`,
  refundNotAllowed: (orderId: string, policy: string) => `Order ${orderId} can't be cancelled for a refund now. The policy for this event: ${policy}`,
  confirmRefund: (order: Order, tickets: number, amount: number, context: TurnContext) =>
    `Cancel order ${order.id} and refund ${formatPrice(amount, order.currency)} for ${tickets === 1 ? '1 ticket' : `${tickets} tickets`}? ` +
    `${answerWord(context)} YES to cancel it, or NO to keep your tickets.`,
  refundRequested: (orderId: string, amount: number, currency: string) =>
    `Done: order ${orderId} is cancelled and ${formatPrice(amount, currency)} is being refunded to your card. I'll message you when the refund is through.`,
  refundKept: (orderId: string) => `Okay, nothing changed: order ${orderId} and its tickets stay as they are.`,
  refundUnsure: (orderId: string) =>
    `Sorry, I couldn't confirm the refund of order ${orderId} just now. Please send CANCEL ${orderId} again in a few minutes.`,
  refundFailed: (orderId: string) =>
    `Sorry, the refund of order ${orderId} couldn't be made just now, so nothing changed and your tickets still count. Please try again later.`,
  // Giving tickets to someone.
  transferNothing: (context: TurnContext) => `You have no tickets that can be sent to someone. ${sendWord(context)} STATUS to see your orders.`,
  transferWhichOrder: (orderIds: string[], to: string) =>
    `Which order's tickets? Send it again with the order number, e.g. "send 1 ticket from ${orderIds[0]} to ${to}". Your orders: ${orderIds.join(', ')}.`,
  transferBadNumber: 'I could not read that phone number. Send it again with its country code, e.g. "send 1 ticket to +1 206 555 0100".',
  confirmTransfer: (count: number, eventName: string, places: string, to: string, codes: string[], context: TurnContext) =>
    `Send ${tickets(count)} for ${eventName}, ${places}, to ${to}? They get their own ticket by text, and ${codes.join(', ')} will no longer work. ` +
    `${answerWord(context)} YES to send, or NO to keep ${count === 1 ? 'it' : 'them'}.`,
  transferDone: (count: number, to: string, orderId: string, kept: string[]) =>
    `Sent: ${tickets(count)} to ${to}, who gets a text with ${count === 1 ? 'it' : 'them'} now. ` +
    (kept.length > 0 ? `You keep ${kept.join(', ')} (order ${orderId}).` : `Order ${orderId} has no tickets left with you.`),
  transferKept: 'Okay, nothing was sent: your tickets stay with you.',
  transferRefused: {
    no_tickets: (orderId: string) => `Order ${orderId} has no tickets to send.`,
    refunded: (orderId: string) => `The tickets of order ${orderId} were refunded, so they can't be sent.`,
    too_many: (orderId: string, available: number) => `Order ${orderId} has only ${tickets(available)} you can send.`,
    admitted: (orderId: string, available: number) =>
      available > 0 ? `Tickets already used at the door can't be sent: order ${orderId} has ${tickets(available)} you can send.` : `The tickets of order ${orderId} were already used at the door.`,
    too_late: (orderId: string) => `It's too late to send the tickets of order ${orderId} to someone: transfers for this event have closed.`,
    limit_reached: (orderId: string) => `The tickets of order ${orderId} have been sent on as many times as we allow. Ask the box office if you need help.`,
    same_person: () => "That's your own number: those tickets are already yours.",
    opted_out: () => "That number has asked for no texts from us, so we can't send them tickets. They can text START to this number first.",
    refund_underway: (orderId: string) => `A refund of order ${orderId} is on its way, so its tickets can't be sent now.`,
  },
  giftNotRefundable: (orderId: string) => `The tickets of order ${orderId} were given to you, so there is no payment of yours to refund. You can send them on to someone else.`,
  // The card saved for paying by reply.
  myCard: (brand: string, last4: string, expMonth: number, expYear: number, context: TurnContext) =>
    `Your saved card: ${cardName({ brand, last4 })} (expires ${String(expMonth).padStart(2, '0')}/${expYear}). ${sendWord(context)} FORGET MY CARD to remove it.`,
  noCard: 'No card is saved for paying by reply. You pay on the payment page each time.',
  cardForgotten: (brand: string, last4: string) => `Done: ${cardName({ brand, last4 })} is removed, here and at Stripe. Next time you pay on the payment page.`,
  // Upgrades.
  nothingToUpgrade: (context: TurnContext) => `You have no paid tickets that can move to better seats right now. ${sendWord(context)} STATUS to see your orders.`,
  whichOrderToUpgrade: 'Which order would you like to upgrade?',
  whichUpgrade: (order: Order) => `Better seats for order ${order.id}, price difference per ticket:`,
  upgradeChoice: (section: Section, unitAmount: number, currency: string) => `${section.name} - ${formatPrice(unitAmount, currency)} more`,
  noBetterSeats: (orderId: string) => `Sorry, no better section has room for your whole party together right now (order ${orderId}). Your seats stay as they are.`,
  cannotUpgrade: (orderId: string) => `Order ${orderId} can't be upgraded: only a paid order with all its tickets, before the event, can move.`,
  /** Followed by the link: ": <url>" on SMS, a Pay button on chat. */
  upgradeHeld: (offer: Order, section: Section | undefined, event: CatalogEvent) =>
    `Holding ${describeSeats(section, offer.seats, offer.quantity)} for you: ${formatPrice(offer.amount, offer.currency)} more for ${offer.quantity}. ` +
    `Your current seats stay yours until the payment goes through. Pay by ${formatVenueTime(offer.holdExpiresAt, event)} to move`,
  upgradeWaiting: (offer: Order, payUrl: string, sectionName: string) =>
    `You already have an upgrade waiting: ${sectionName} for ${formatPrice(offer.amount, offer.currency)} more (${offer.id}). Pay here: ${payUrl}`,
  upgradeSeatsGone: (context: TurnContext) => `Sorry, those seats were just taken. ${sendWord(context)} UPGRADE to see what is free now.`,
  upgradeUnavailable: "Sorry, that upgrade can't be made right now. Your seats stay as they are.",
  upgradeOption: (orderId: string, eventName: string, sectionName: string, quantity: number) => `${orderId} ${eventName}, ${sectionName} x${quantity}`,
  // Order status.
  noOrders: 'You have no orders yet. Tell me an event to get tickets.',
  /** After the newest orders STATUS lists: how many it left out, and how to see one. */
  moreOrders: (more: number, exampleId: string, context: TurnContext) =>
    `${more === 1 ? '1 more order' : `${more} more orders`}. ${sendWord(context)} STATUS and an order number to see one, e.g. STATUS ${exampleId}.`,
  orderLine: (order: Order, event: CatalogEvent | undefined, places: string, state: string) =>
    `${order.id}: ${event ? `${event.name}, ${formatEventTime(event.startsAt)}` : order.eventId}. ${places}. ${state}`,
  orderState: {
    waiting: (payUrl: string) => `Waiting for payment: ${payUrl}`,
    paid: 'Paid; your tickets are on their way.',
    fulfilled: (tickets: string[], refunded: number, refundedAmount: string, page?: string) =>
      `Paid. Tickets: ${tickets.join(', ')}${refunded > 0 ? ` (${refunded} refunded, ${refundedAmount})` : ''}${page && tickets.length > 0 ? `\nQR codes: ${page}` : ''}`,
    expired: 'The hold expired; nothing was charged.',
    cancelled: 'Cancelled; nothing was charged.',
    payment_failed: 'The payment did not go through; nothing was charged.',
    refunded: (amount: string) => `Refunded, ${amount}.`,
  },
  yesNo: ['Yes', 'No'] as [string, string],
  // Answers to questions asked before buying (answers.ts).
  answerWhenWhere: (name: string, times: string[], venue: string) => `${name}: ${times.join(' or ')}, at ${venue}.`,
  answerPrice: (sectionName: string, price: string) => `${sectionName}: ${price} per ticket.`,
  answerPrices: (list: string[]) => `Prices per ticket: ${list.join(', ')}.`,
  answerSoldOut: (name: string) => `${name} is sold out.`,
  answerLeft: (list: Array<{ name: string; price: string; left: number }>) =>
    `Still available: ${list.map((s) => `${s.name} ${s.price} (${s.left} left)`).join(', ')}.`,
  /** "Section 101 - $200 (38 left)" */
  sectionTitle: (section: Section, currency: string, available?: number) =>
    `${section.name} - ${formatPrice(section.price, currency)}${available === undefined ? '' : available === 0 ? ' (sold out)' : ` (${available} left)`}`,
  /** "Lakers vs Warriors - Sat Dec 5, 7:30pm" */
  eventTitle: (event: CatalogEvent) => `${event.name} - ${formatEventTime(event.startsAt)}`,
  /** "2 in Section 101": fewer seats where the party asked. */
  fewerIn: (quantity: number, section: Section) => `${quantity} in ${section.name}`,
  eventTimes: (event: CatalogEvent) => formatEventTime(event.startsAt),
  sectionName: (section: Section) => section.name,
};

export type Replies = typeof english;


