// Every sentence the bot says in Spanish, in one place: the same sentences
// as replies.en.ts, for a conversation that started in Spanish. Written
// without á, í, ó and ú, as many people text anyway: those letters are not in
// the GSM-7 alphabet, and one of them switches a whole SMS to UCS-2, where a
// segment holds 70 characters instead of 160. é, ñ, ü, ¿ and ¡ are GSM-7 and stay.
import type { TurnContext } from 'botbuilder';
import { cardName as nameOf } from '../src/checkout/saved-cards.js';
import { describeEvent, describeSeats, formatEventTime, formatPrice, formatVenueTime, sectionName } from '../src/catalog/describe.js';
import type { CatalogEvent, Section } from '../src/catalog/catalog.schema.js';
import { isSms } from '../src/bot/customer.js';
import type { CardPayment, Order } from '../src/orders/order.js';
import type { Replies } from './replies.en.js';

const cardName = (card: { brand: string; last4: string }) => nameOf(card, 'es');

// "Escriba" and "Responda" (write, answer) are as right in a chat window as in
// a text, so unlike the English sentences these need not know the channel.

/** The word that leaves a purchase; Twilio acts on the English opt-out words only, so SALIR is safe on SMS too. */
const LEAVE = 'SALIR';
const NAME = 'la Taquilla';

const tickets = (n: number) => (n === 1 ? '1 boleto' : `${n} boletos`);

export const spanish: Replies = {
  welcome: `¡Hola! Aqui ${NAME}. ¿Para qué evento quiere boletos?`,
  whichEvent: '¿Para qué evento quiere boletos?',
  whichOfThese: (events: readonly CatalogEvent[]) =>
    events.every((event) => event.name === events[0]!.name) ? `Hay ${events.length} funciones de ${events[0]!.name}. ¿Cual prefiere?` : '¿Cual de estos?',
  notThen: (events: readonly CatalogEvent[]) =>
    events.every((event) => event.name === events[0]!.name) ? `No tenemos ${events[0]!.name} en esa fecha. Las fechas son:` : 'No tenemos eso en esa fecha. Lo que hay:',
  notOnSale: (named: string) =>
    `Lo siento, ${named && named.length <= 40 ? `"${named}" no esta` : 'eso no esta'} a la venta aqui. ¿Le interesa alguno de estos?`,
  didYouMean: (event: CatalogEvent) => `¿Quiso decir ${event.name}?`,
  noEvents: 'No hay eventos a la venta por ahora. Vuelva a escribir pronto.',
  notUnderstood: 'Perdon, no le entendi.',
  howMany: (max: number) => `¿Cuantos boletos? (1-${max})`,
  tooMany: (max: number) => `Podemos apartar hasta ${max} boletos por pedido.`,
  mediaOnly: 'Solo puedo leer texto. Digame el evento y cuantos boletos, por ejemplo "2 boletos lakers".',
  help: (context: TurnContext) =>
    [
      `Aqui ${NAME}. Digame el evento y cuantos boletos, por ejemplo "2 boletos lakers seccion 101".`,
      `ESTADO muestra sus pedidos. ${LEAVE} deja una compra.`,
      'CANCELAR y el numero de un pedido pagado lo reembolsa, si el evento lo permite. MEJORAR pide mejores lugares.',
      ...(isSms(context) ? ['Responda STOP para no recibir mas mensajes.'] : []),
    ].join(' '),
  left: 'Listo, paramos. No hay nada apartado. Escriba cuando quiera para empezar de nuevo.',
  restarted: 'Listo, empecemos de nuevo.',
  nothingToCancel: 'No tiene nada pendiente de pago.',
  whichHeldToCancel: (orderIds: string[]) =>
    `¿Cual? Mande CANCELAR y el numero de pedido, por ejemplo CANCELAR ${orderIds[0]}. Pendientes de pago: ${orderIds.join(', ')}.`,
  orderCancelled: (orderId: string) => `El pedido ${orderId} esta cancelado y los lugares liberados. No se cobro nada.`,
  alreadyPaid: (orderId: string) => `El pedido ${orderId} ya esta pagado y no se puede cancelar aqui. Escriba ESTADO para verlo.`,
  checkoutFailed: 'Perdon, la pagina de pago no abrio en este momento, asi que liberé los lugares. Intente de nuevo en un minuto.',
  soldOut: (section: Section) => `${sectionName(section, 'es')} esta agotada.`,
  notEnough: (section: Section, available: number) => `Solo quedan ${available} en ${sectionName(section, 'es')}.`,
  notTogether: (section: Section, largest: number) => `En ${sectionName(section, 'es')} no caben juntos ahora (${largest} juntos como maximo).`,
  pickAlternative: '¿Le sirve alguna de estas?',
  nothingFits: (quantity: number) => `Lo siento, ninguna seccion tiene ${quantity} lugares juntos ahora. Pruebe con menos boletos, o escriba ESTADO para ver sus pedidos.`,
  nothingUnder: (max: number, currency: string) => `No hay nada por menos de ${formatPrice(max, currency)} por boleto. Esto es todo:`,
  openHold: (order: Order, section: Section | undefined, payUrl: string) =>
    `Ya tiene lugares apartados para este evento: ${describeSeats(section, order.seats, order.quantity, 'es')}, pedido ${order.id}. ` +
    `Pague aqui: ${payUrl} o escriba ${LEAVE} para liberarlos.`,
  held: (event: CatalogEvent, section: Section, order: Order, holdMinutes: number) =>
    `Le aparto ${describeSeats(section, order.seats, order.quantity, 'es')} para ${describeEvent(event, 'es')}: ` +
    `${formatPrice(order.amount, order.currency)} por ${tickets(order.quantity)}. Pague en ${holdMinutes} min`,
  replacedHold: (orderId: string) => `Cambiado: el pedido ${orderId} esta liberado y su enlace ya no sirve.`,
  earlierHoldStands: (orderId: string) => `Su pedido anterior, ${orderId}, sigue apartado con su enlace.`,
  checkoutFailedNoChange: 'Perdon, la pagina de pago para ese cambio no abrio en este momento, asi que no cambio nada.',
  alreadyPaidNoChange: (orderId: string) => `El pedido ${orderId} se acaba de pagar, asi que queda como esta. Escriba ESTADO para verlo.`,
  notOnSaleYet: (event: CatalogEvent, onSaleAt: string) => `${describeEvent(event, 'es')} sale a la venta ${formatVenueTime(Date.parse(onSaleAt), event, 'es')}. Aun no se aparta nada: escribanos entonces para comprar.`,
  payButton: (order: Order) => `Pagar ${formatPrice(order.amount, order.currency)}`,
  payByReply: (order: Order, card: CardPayment) => `Responda SI para pagar ${formatPrice(order.amount, order.currency)} con ${cardName(card)}, o pague aqui`,
  paying: (order: Order, card: CardPayment) => `Pagando ${formatPrice(order.amount, order.currency)} con ${cardName(card)}. Sus boletos llegan en un momento (pedido ${order.id}).`,
  alreadyPaying: (order: Order, card: CardPayment) => `Ya se esta pagando con ${cardName(card)}: los boletos del pedido ${order.id} llegan en un momento.`,
  paidOnPage: (orderId: string) => `El pedido ${orderId} ya se pago en la pagina de pago, asi que no se cobro su tarjeta. Sus boletos llegan enseguida.`,
  cardRefused: (card: CardPayment, needsAuthentication: boolean) =>
    needsAuthentication
      ? `Su banco quiere confirmar este pago con usted, asi que no se cobro ${cardName(card)}. Sus asientos siguen apartados: pague y confirme en la pagina de pago`
      : `${cardName(card)} fue rechazada y no se cobro nada. Sus asientos siguen apartados: pague de otra forma en la pagina de pago`,
  noCardToPay: 'Ya no hay una tarjeta guardada para pagar respondiendo, asi que no se cobro nada. Sus asientos siguen apartados: pague en la pagina de pago',
  payingCutShort: (orderId: string) => `El pago con tarjeta del pedido ${orderId} no se pudo terminar ahora. Sus asientos siguen apartados y le avisamos en cuanto sepamos como salio.`,
  holdLimit: (limit: 'origin_holds' | 'unpaid_share', section: Section, holdMinutes: number) =>
    limit === 'origin_holds'
      ? `Desde su conexion ya hay demasiados boletos apartados sin pagar para este evento. Pague o cancele esos primero, o intente de nuevo cuando se liberen (en unos ${holdMinutes} min).`
      : `Hay tantos boletos de ${sectionName(section, 'es')} esperando pago que no puedo apartar mas por ahora. Los que no se pagan se liberan en unos ${holdMinutes} min: intente de nuevo entonces, o elija otra seccion.`,
  sectionQuestion: (event: CatalogEvent) => `${event.name}: ¿qué seccion?`,
  noOrderToCancel: () => 'No tiene pedidos pagados que cancelar. Escriba ESTADO para ver sus pedidos.',
  whichOrderToCancel: (orderIds: string[]) =>
    `¿Cual pedido? Mande CANCELAR y el numero de pedido, por ejemplo CANCELAR ${orderIds[0]}. Sus pedidos pagados: ${orderIds.join(', ')}.`,
  orderNotYours: (orderId: string) => `No encuentro el pedido ${orderId} a su nombre. Escriba ESTADO para ver sus pedidos.`,
  orderAlreadyEnded: (orderId: string) => `El pedido ${orderId} nunca se pago, asi que no hay nada que cancelar ni reembolsar.`,
  orderAlreadyRefunded: (orderId: string) => `El pedido ${orderId} ya esta reembolsado.`,
  refundUnderway: (orderId: string) => `El reembolso del pedido ${orderId} ya esta en camino. Le aviso cuando llegue.`,
  refundNotAllowed: (orderId: string, policy: string) => `El pedido ${orderId} ya no se puede cancelar con reembolso. La politica de este evento: ${policy}`,
  confirmRefund: (order: Order, count: number, amount: number) =>
    `¿Cancelar el pedido ${order.id} y reembolsar ${formatPrice(amount, order.currency)} por ${tickets(count)}? ` +
    'Responda SI para cancelarlo, o NO para quedarse con sus boletos.',
  refundRequested: (orderId: string, amount: number, currency: string) =>
    `Listo: el pedido ${orderId} esta cancelado y se le reembolsan ${formatPrice(amount, currency)} a su tarjeta. Le aviso cuando llegue el reembolso.`,
  refundKept: (orderId: string) => `Listo, no cambio nada: el pedido ${orderId} y sus boletos siguen igual.`,
  refundUnsure: (orderId: string) => `Perdon, no pude confirmar el reembolso del pedido ${orderId}. Mande CANCELAR ${orderId} de nuevo en unos minutos.`,
  refundFailed: (orderId: string) =>
    `Perdon, el reembolso del pedido ${orderId} no se pudo hacer ahora, asi que no cambio nada y sus boletos siguen validos. Intente mas tarde.`,
  myCard: (brand: string, last4: string, expMonth: number, expYear: number) =>
    `Su tarjeta guardada: ${cardName({ brand, last4 })} (vence ${String(expMonth).padStart(2, '0')}/${expYear}). Escriba OLVIDA MI TARJETA para quitarla.`,
  noCard: 'No hay una tarjeta guardada para pagar respondiendo. Paga en la pagina de pago cada vez.',
  cardForgotten: (brand: string, last4: string) => `Listo: ${cardName({ brand, last4 })} se quito, aqui y en Stripe. La proxima vez paga en la pagina de pago.`,
  transferNothing: () => 'No tiene boletos que se puedan enviar a alguien. Escriba ESTADO para ver sus pedidos.',
  transferWhichOrder: (orderIds: string[], to: string) =>
    `¿De cual pedido? Mandelo de nuevo con el numero de pedido, por ejemplo "enviar 1 boleto de ${orderIds[0]} a ${to}". Sus pedidos: ${orderIds.join(', ')}.`,
  transferBadNumber: 'No pude leer ese numero de telefono. Mandelo de nuevo con su codigo de pais, por ejemplo "enviar 1 boleto a +1 206 555 0100".',
  confirmTransfer: (count: number, eventName: string, places: string, to: string, codes: string[]) =>
    `¿Enviar ${tickets(count)} para ${eventName}, ${places}, a ${to}? Recibe su propio boleto por mensaje, y ${codes.join(', ')} dejara de valer. ` +
    'Responda SI para enviar, o NO para quedarselos.',
  transferDone: (count: number, to: string, orderId: string, kept: string[]) =>
    `Enviado: ${tickets(count)} a ${to}, que recibe un mensaje ahora. ` +
    (kept.length > 0 ? `Usted conserva ${kept.join(', ')} (pedido ${orderId}).` : `El pedido ${orderId} ya no tiene boletos suyos.`),
  transferKept: 'Listo, no se envio nada: sus boletos siguen con usted.',
  transferRefused: {
    no_tickets: (orderId: string) => `El pedido ${orderId} no tiene boletos para enviar.`,
    refunded: (orderId: string) => `Los boletos del pedido ${orderId} se reembolsaron, asi que no se pueden enviar.`,
    too_many: (orderId: string, available: number) => `El pedido ${orderId} solo tiene ${tickets(available)} que puede enviar.`,
    admitted: (orderId: string, available: number) =>
      available > 0 ? `Los boletos ya usados en la entrada no se pueden enviar: el pedido ${orderId} tiene ${tickets(available)} que puede enviar.` : `Los boletos del pedido ${orderId} ya se usaron en la entrada.`,
    too_late: (orderId: string) => `Ya es tarde para enviar los boletos del pedido ${orderId}: los envios para este evento cerraron.`,
    limit_reached: (orderId: string) => `Los boletos del pedido ${orderId} ya se enviaron las veces que permitimos. Pida ayuda a la taquilla.`,
    same_person: () => 'Ese es su propio numero: esos boletos ya son suyos.',
    opted_out: () => 'Ese numero pidio no recibir mensajes nuestros, asi que no podemos enviarle boletos. Puede escribirnos START primero.',
    refund_underway: (orderId: string) => `Hay un reembolso del pedido ${orderId} en camino, asi que sus boletos no se pueden enviar ahora.`,
  },
  giftNotRefundable: (orderId: string) => `Los boletos del pedido ${orderId} se los regalaron, asi que no hay un pago suyo que reembolsar. Puede enviarlos a otra persona.`,
  nothingToUpgrade: () => 'No tiene boletos pagados que puedan pasar a mejores lugares ahora. Escriba ESTADO para ver sus pedidos.',
  whichOrderToUpgrade: '¿Qué pedido quiere mejorar?',
  whichUpgrade: (order: Order) => `Mejores lugares para el pedido ${order.id}, diferencia por boleto:`,
  upgradeChoice: (section: Section, unitAmount: number, currency: string) => `${sectionName(section, 'es')} - ${formatPrice(unitAmount, currency)} mas`,
  noBetterSeats: (orderId: string) => `Lo siento, ninguna seccion mejor tiene lugar para todos juntos ahora (pedido ${orderId}). Sus lugares siguen igual.`,
  cannotUpgrade: (orderId: string) => `El pedido ${orderId} no se puede mejorar: solo un pedido pagado con todos sus boletos, antes del evento.`,
  upgradeHeld: (offer: Order, section: Section | undefined, event: CatalogEvent) =>
    `Le aparto ${describeSeats(section, offer.seats, offer.quantity, 'es')}: ${formatPrice(offer.amount, offer.currency)} mas por ${tickets(offer.quantity)}. ` +
    `Sus lugares actuales siguen siendo suyos hasta que pase el pago. Pague antes del ${formatVenueTime(offer.holdExpiresAt, event, 'es')} para cambiar`,
  upgradeWaiting: (offer: Order, payUrl: string, sectionName: string) =>
    `Ya tiene una mejora esperando: ${sectionName} por ${formatPrice(offer.amount, offer.currency)} mas (${offer.id}). Pague aqui: ${payUrl}`,
  upgradeSeatsGone: () => 'Perdon, esos lugares se acaban de ocupar. Escriba MEJORAR para ver qué hay libre.',
  upgradeUnavailable: 'Perdon, esa mejora no se puede hacer ahora. Sus lugares siguen igual.',
  upgradeOption: (orderId: string, eventName: string, sectionName: string, quantity: number) => `${orderId} ${eventName}, ${sectionName} x${quantity}`,
  noOrders: 'Todavia no tiene pedidos. Digame un evento para conseguir boletos.',
  moreOrders: (more: number, exampleId: string) =>
    `${more === 1 ? 'Tiene 1 pedido mas' : `Tiene ${more} pedidos mas`}. Escriba ESTADO y el numero de pedido para verlo, por ejemplo ESTADO ${exampleId}.`,
  orderLine: (order: Order, event: CatalogEvent | undefined, places: string, state: string) =>
    `${order.id}: ${event ? `${event.name}, ${formatEventTime(event.startsAt, 'es')}` : order.eventId}. ${places}. ${state}`,
  orderState: {
    waiting: (payUrl: string) => `Esperando el pago: ${payUrl}`,
    paid: 'Pagado; sus boletos van en camino.',
    fulfilled: (list: string[], refunded: number, refundedAmount: string, page?: string) =>
      `Pagado. Boletos: ${list.join(', ')}${refunded > 0 ? ` (${refunded} reembolsados, ${refundedAmount})` : ''}${page && list.length > 0 ? `\nCodigos QR: ${page}` : ''}`,
    expired: 'El apartado vencio; no se cobro nada.',
    cancelled: 'Cancelado; no se cobro nada.',
    payment_failed: 'El pago no paso; no se cobro nada.',
    refunded: (amount: string) => `Reembolsado, ${amount}.`,
  },
  yesNo: ['Si', 'No'],
  answerWhenWhere: (name: string, times: string[], venue: string) => `${name}: ${times.join(' o ')}, en ${venue}.`,
  answerPrice: (sectionName: string, price: string) => `${sectionName}: ${price} por boleto.`,
  answerPrices: (list: string[]) => `Precios por boleto: ${list.join(', ')}.`,
  answerSoldOut: (name: string) => `${name} esta agotado.`,
  answerLeft: (list: Array<{ name: string; price: string; left: number }>) =>
    `Todavia hay: ${list.map((s) => `${s.name} ${s.price} (quedan ${s.left})`).join(', ')}.`,
  sectionTitle: (section: Section, currency: string, available?: number) =>
    `${sectionName(section, 'es')} - ${formatPrice(section.price, currency)}${available === undefined ? '' : available === 0 ? ' (agotado)' : ` (quedan ${available})`}`,
  eventTitle: (event: CatalogEvent) => `${event.name} - ${formatEventTime(event.startsAt, 'es')}`,
  fewerIn: (quantity: number, section: Section) => `${quantity} en ${sectionName(section, 'es')}`,
  eventTimes: (event: CatalogEvent) => formatEventTime(event.startsAt, 'es'),
  sectionName: (section: Section) => sectionName(section, 'es'),
};
