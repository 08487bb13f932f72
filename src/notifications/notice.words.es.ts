// The words of every notice, in Spanish, for orders made in a Spanish
// conversation. As in dialogs/replies.es.ts, no á, í, ó or ú: each would
// switch the SMS to UCS-2 (70 characters a segment instead of 160).
import type { NoticeWords } from './notice.words.en.js';

const REFUND_TIMING = 'de vuelta en su tarjeta en 5 a 10 dias';

export const spanishNotices: NoticeWords = {
  tryAgain: (alias) => `Escriba "${alias ?? 'boletos'}" para intentar de nuevo.`,
  upgraded: (eventName, places, tickets, orderId, page) =>
    `¡Mejora lista! ${eventName}. Sus nuevos lugares: ${places}.\n` +
    `Sus nuevos boletos: ${tickets.join(', ')}\n` +
    (page ? `Sus codigos QR: ${page}\n` : '') +
    `Sus boletos anteriores ya no valen. Pedido ${orderId}.`,
  tickets: (eventName, places, tickets, orderId, page) =>
    `¡Pagado, gracias! ${eventName}. ${places}.\n` +
    `Sus boletos: ${tickets.join(', ')}\n` +
    (page ? `Muestre sus codigos QR en la entrada: ${page}\nPedido ${orderId}.` : `Muestre este mensaje en la entrada. Pedido ${orderId}.`),
  reminder: (eventName, places, tickets, orderId, page) =>
    `Nos vemos pronto: ${eventName}. ${places}.\n` +
    `Sus boletos: ${tickets.join(', ')}\n` +
    (page ? `Sus codigos QR para la entrada: ${page}\nPedido ${orderId}.` : `Muestre el mensaje de sus boletos en la entrada. Pedido ${orderId}.`),
  transferredIn: (giver, eventName, places, tickets, orderId, page) =>
    `${giver ?? 'Alguien'} le envio ${tickets.length === 1 ? 'un boleto' : `${tickets.length} boletos`} de la Taquilla: ${eventName}. ${places}.\n` +
    `Sus boletos: ${tickets.join(', ')}\n` +
    (page ? `Muestre sus codigos QR en la entrada: ${page}\n` : 'Muestre este mensaje en la entrada.\n') +
    `Pedido ${orderId}. Responda ESTADO para verlos, STOP para no recibir mensajes.`,
  holdExpired: (places, eventName, orderId, tryAgain) =>
    `Su apartado de ${places} para ${eventName} termino y los lugares se liberaron (pedido ${orderId}). ${tryAgain}`,
  paymentFailed: (orderId, tryAgain) => `El pago del pedido ${orderId} no paso, asi que los lugares se liberaron. ${tryAgain}`,
  paymentPending: (orderId) => `Pedido ${orderId}: tenemos su pedido y su pago se esta procesando. Sus boletos llegan en cuanto se confirme.`,
  yourCard: 'su tarjeta guardada',
  cardRefused: (orderId, card, why, link) =>
    `Pedido ${orderId}: no se cobro ${card} (${{ authentication: 'su banco quiere confirmar el pago con usted', unfinished: 'el pago no se pudo terminar', declined: 'el banco la rechazo' }[why]}). Sus asientos siguen apartados: pague aqui ${link}`,
  latePaymentRefunded: (orderId, tryAgain) =>
    `Su pago del pedido ${orderId} llego cuando el pedido ya habia terminado y sus lugares se liberaron, asi que se reembolsa completo, ${REFUND_TIMING}. ${tryAgain}`,
  refunded: (orderId, refunded, eventName, hadTickets) =>
    `El pedido ${orderId} esta reembolsado: ${refunded} ${REFUND_TIMING}. ` +
    `${hadTickets ? `Sus boletos para ${eventName} ya no valen.` : `No se debe nada mas por ${eventName}.`}`,
  partlyRefunded: (orderId, refundedCount, ticketCount, refunded, voided, active, stillValid) =>
    `Pedido ${orderId}: ${refundedCount} de sus ${ticketCount} boletos reembolsados, ` +
    `${refunded} ${REFUND_TIMING}. ` +
    `Ya no valen: ${voided.join(', ')}\n` +
    `Siguen validos: ${active.join(', ')} (${stillValid}).`,
  upgradeUnchanged: (orderId) => `Sus lugares y boletos del pedido ${orderId} siguen igual.`,
  upgradeOffer: (orderId, eventName, places, price, until, link) =>
    `Mejora para el pedido ${orderId}, ${eventName}: cambie a ${places} por ${price} mas. ` + `Pague antes del ${until}: ${link}`.trimEnd(),
  upgradeWithdrawn: (offerId, unchanged) => `La oferta de mejora ${offerId} se retiro; no se cobro nada. ${unchanged}`,
  upgradeRefunded: (offerId, price) => `No pudimos darle la mejora ${offerId}, asi que su pago de ${price} se reembolsa, ${REFUND_TIMING}.`,
  upgradePending: (offerId) => `Mejora ${offerId}: su pago se esta procesando. Sus nuevos boletos llegan en cuanto se confirme.`,
  upgradeEnded: (offerId, unchanged) => `La oferta de mejora ${offerId} termino y no se cobro nada. ${unchanged}`,
};
