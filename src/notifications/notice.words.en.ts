// The words of every notice, in English (notice.words.es.ts says the same in
// Spanish; notice.messages.ts picks by the order's language). Short, plain
// text: an SMS segment or two.

/** How long a card refund takes to show, as Stripe tells customers: https://docs.stripe.com/refunds#refund-timing */
const REFUND_TIMING = 'back to your card within 5-10 days';

/** Why a card paying by reply was not charged, as the customer is told. */
export type CardRefusal = 'authentication' | 'unfinished' | 'declined';

export const englishNotices = {
  tryAgain: (alias: string | undefined) => `Text "${alias ?? 'tickets'}" to try again.`,
  upgraded: (eventName: string, places: string, tickets: string[], orderId: string, page?: string) =>
    `Upgrade done! ${eventName}. Your new seats: ${places}.\n` +
    `Your new tickets: ${tickets.join(', ')}\n` +
    (page ? `Their QR codes: ${page}\n` : '') +
    `Your earlier tickets are no longer valid. Order ${orderId}.`,
  tickets: (eventName: string, places: string, tickets: string[], orderId: string, page?: string) =>
    `Paid, thank you! ${eventName}. ${places}.\n` +
    `Your tickets: ${tickets.join(', ')}\n` +
    (page ? `Show their QR codes at the door: ${page}\nOrder ${orderId}.` : `Show this message at the door. Order ${orderId}.`),
  reminder: (eventName: string, places: string, tickets: string[], orderId: string, page?: string) =>
    `See you soon: ${eventName}. ${places}.\n` +
    `Your tickets: ${tickets.join(', ')}\n` +
    (page ? `Their QR codes for the door: ${page}\nOrder ${orderId}.` : `Show the ticket message at the door. Order ${orderId}.`),
  transferredIn: (giver: string | undefined, eventName: string, places: string, tickets: string[], orderId: string, page?: string) =>
    `${giver ?? 'A friend'} sent you ${tickets.length === 1 ? 'a ticket' : `${tickets.length} tickets`} from the Box Office: ${eventName}. ${places}.\n` +
    `Your tickets: ${tickets.join(', ')}\n` +
    (page ? `Show their QR codes at the door: ${page}\n` : 'Show this message at the door.\n') +
    `Order ${orderId}. Reply STATUS to see them, STOP to opt out.`,
  holdExpired: (places: string, eventName: string, orderId: string, tryAgain: string) =>
    `Your hold on ${places} for ${eventName} has ended and the seats are released (order ${orderId}). ${tryAgain}`,
  paymentFailed: (orderId: string, tryAgain: string) => `Your payment for order ${orderId} did not go through, so the seats were released. ${tryAgain}`,
  paymentPending: (orderId: string) => `Order ${orderId}: we have your order and your payment is processing. Your tickets follow as soon as it clears.`,
  yourCard: 'your saved card',
  cardRefused: (orderId: string, card: string, why: CardRefusal, link: string) =>
    `Order ${orderId}: ${card} was not charged (${{ authentication: 'your bank wants to confirm the payment with you', unfinished: 'the payment could not be finished', declined: 'the bank declined it' }[why]}). Your seats are still held: pay here ${link}`,
  latePaymentRefunded: (orderId: string, tryAgain: string) =>
    `Your payment for order ${orderId} arrived after the order had ended and its seats were let go, so it is refunded in full, ${REFUND_TIMING}. ${tryAgain}`,
  refunded: (orderId: string, refunded: string, eventName: string, hadTickets: boolean) =>
    `Order ${orderId} is refunded: ${refunded} ${REFUND_TIMING}. ` +
    `${hadTickets ? `Your tickets for ${eventName} are no longer valid.` : `Nothing more is owed for ${eventName}.`}`,
  partlyRefunded: (orderId: string, refundedCount: number, ticketCount: number, refunded: string, voided: string[], active: string[], stillValid: string) =>
    `Order ${orderId}: ${refundedCount} of your ${ticketCount} tickets refunded, ` +
    `${refunded} ${REFUND_TIMING}. ` +
    `No longer valid: ${voided.join(', ')}\n` +
    `Still valid: ${active.join(', ')} (${stillValid}).`,
  upgradeUnchanged: (orderId: string | undefined) => `Your seats and tickets for order ${orderId} stay as they are.`,
  upgradeOffer: (orderId: string | undefined, eventName: string, places: string, price: string, until: string, link: string) =>
    `Upgrade offer for order ${orderId}, ${eventName}: move to ${places} for ${price} more. ` + `Pay by ${until} to take it: ${link}`.trimEnd(),
  upgradeWithdrawn: (offerId: string, unchanged: string) => `The upgrade offer ${offerId} has been withdrawn; nothing was charged. ${unchanged}`,
  upgradeRefunded: (offerId: string, price: string) => `We could not give you upgrade ${offerId}, so its payment of ${price} is refunded, ${REFUND_TIMING}.`,
  upgradePending: (offerId: string) => `Upgrade ${offerId}: your payment is processing. Your new tickets follow as soon as it clears.`,
  upgradeEnded: (offerId: string, unchanged: string) => `The upgrade offer ${offerId} has ended and nothing was charged. ${unchanged}`,
};

export type NoticeWords = typeof englishNotices;
