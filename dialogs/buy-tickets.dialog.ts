import { Dialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialog-kit.js';
import { linkMessage } from '../src/bot/activities.js';
import { customerOf, isSms } from '../src/bot/customer.js';
import { clientAddressOf } from '../src/bot/client-address.js';
import type { CatalogEvent, Section } from '../src/catalog/catalog.schema.js';
import { eventsFitting, readWhen, venueOffset, type When } from '../src/catalog/event-when.js';
import type { SectionInventory } from '../src/seats/seat.store.js';
import { answerTo } from './answers.js';
import { choiceMessage, pickChoice, type Choice } from './choices.js';
import type { DialogDeps } from './dialog.deps.js';
import { InterruptibleDialog } from './interruptible.dialog.js';
import { recognize, type Recognized } from './message.recognizer.js';
import { performancesFitting } from './performances.js';
import { say, type Replies } from './replies.js';
import { languageOf, messageText } from './language.js';

export const BUY_TICKETS_DIALOG = 'buy-tickets';
const WATERFALL = 'buy-tickets.questions';

/** A section and party size offered when the first choice cannot seat the party. */
interface Alternative {
  sectionId: string;
  quantity: number;
}

/** What the customer has told us so far; each question fills one gap. */
export interface PurchaseDraft {
  eventId?: string;
  /** Events the customer's words fit equally (see Recognized.candidates): asked which, nothing held before. */
  candidates?: string[];
  /** The events named are not on the day said: told so, and offered as they are. */
  notThen?: boolean;
  /** The customer named something not on sale (Recognized.notOnSale): said so, with what is on. */
  notOnSale?: string;
  /** A name close to this event's: asked "did you mean", a yes picks it. */
  didYouMean?: string;
  sectionId?: string;
  /** The sections the customer's words named alike ("lower level"): the section question offers only these. */
  sectionChoices?: string[];
  quantity?: number;
  preference?: 'cheapest' | 'best';
  maxPrice?: number;
  /** Open with a greeting (the customer said hi). */
  greet?: boolean;
  asking?: 'event' | 'section' | 'quantity' | 'alternative';
  offered?: Choice<string | Alternative>[];
  misses?: number;
  /** The customer's unpaid order this purchase changes: cancelled once the new hold is secured (PurchaseRequest.replacing). */
  replacing?: string;
  /** Said in front of the next question ("Sorry, I didn't catch that."), so one reply carries both. */
  notice?: string;
}

export interface BuyTicketsResult {
  orderId?: string;
}

const MAX_MISSES = 3;
const EVENTS_LISTED = 5;
const ALTERNATIVES_LISTED = 3;
/** Party sizes offered as buttons on chat: most parties, and a short row of buttons. */
const QUANTITY_BUTTONS = 4;

/**
 * Buying tickets: event → section → quantity → held seats and a pay link.
 * Every question the first message already answered is skipped, and any
 * answer may also change earlier ones ("actually 3 tickets").
 */
export class BuyTicketsDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(BUY_TICKETS_DIALOG, deps);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.nextQuestionStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  /** Fills a draft from what one message said. */
  static draftFrom(recognized: Recognized): PurchaseDraft {
    return {
      eventId: recognized.event?.id,
      candidates: (recognized.candidates ?? recognized.notThen)?.map((event) => event.id),
      notThen: recognized.notThen ? true : undefined,
      notOnSale: recognized.notOnSale,
      didYouMean: recognized.didYouMean?.id,
      sectionId: recognized.section?.id,
      sectionChoices: recognized.sectionChoices?.map((section) => section.id),
      quantity: recognized.quantity,
      preference: recognized.preference,
      maxPrice: recognized.maxPrice,
    };
  }

  private async nextQuestionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = (step.options ?? {}) as PurchaseDraft;
    const event = draft.eventId ? this.deps.catalog.event(draft.eventId) : undefined;
    if (!event) return this.eventStep(step, draft);
    if (!draft.sectionId) return this.sectionStep(step, draft, event);
    if (!draft.quantity) return this.quantityStep(step, draft);
    return this.holdStep(step, draft, event);
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft: PurchaseDraft = { ...(step.options as PurchaseDraft), greet: false, notice: undefined };
    const text = messageText(step.context);
    const current = draft.eventId ? this.deps.catalog.event(draft.eventId) : undefined;
    // Read once, against the event being bought; both a question and an answer come from this reading.
    const said = recognize(text, this.deps.finder, this.now(), { event: current });
    const answer = await this.answerToQuestion(draft, said, current, say(step.context));
    if (answer) return step.replaceDialog(WATERFALL, { ...draft, notice: answer });
    if (this.absorb(draft, said, text, step.context.activity.text ?? '', isSms(step.context))) {
      draft.misses = 0;
    } else {
      draft.misses = (draft.misses ?? 0) + 1;
      if (draft.misses >= MAX_MISSES) {
        await step.context.sendActivity(say(step.context).help(step.context));
        return step.endDialog({});
      }
      draft.notice = say(step.context).notUnderstood;
    }
    return step.replaceDialog(WATERFALL, draft);
  }

  /** A question in the middle of a purchase ("how much are those?"): its answer, said before the same question again. */
  private async answerToQuestion(draft: PurchaseDraft, said: Recognized, current: CatalogEvent | undefined, replies: Replies): Promise<string | undefined> {
    if (!said.questions) return undefined;
    const events = said.event ? [said.event] : said.candidates ?? (current ? [current] : this.candidatesOf(draft));
    const section = said.section ?? (current && draft.sectionId ? this.deps.catalog.section(current.id, draft.sectionId) : undefined);
    return answerTo({ questions: said.questions, events, section }, this.deps.seats, replies);
  }

  /** Which event? The ones the customer's words fit, or a short list of upcoming ones. */
  private async eventStep(step: WaterfallStepContext, draft: PurchaseDraft): Promise<DialogTurnResult> {
    const doubt = draft.didYouMean ? this.deps.catalog.event(draft.didYouMean) : undefined;
    const candidates = doubt ? [doubt] : this.candidatesOf(draft);
    const events = candidates.length > 0 ? candidates : this.deps.catalog.upcoming(this.now()).slice(0, EVENTS_LISTED);
    if (events.length === 0) {
      await step.context.sendActivity(say(step.context).noEvents);
      return step.endDialog({});
    }
    const question = doubt
      ? say(step.context).didYouMean(doubt)
      : draft.notOnSale !== undefined
        ? say(step.context).notOnSale(draft.notOnSale)
        : candidates.length === 0
          ? draft.greet
            ? say(step.context).welcome
            : say(step.context).whichEvent
          : draft.notThen
            ? say(step.context).notThen(candidates)
            : say(step.context).whichOfThese(candidates);
    draft.asking = 'event';
    draft.offered = events.map((event) => ({ title: say(step.context).eventTitle(event), value: event.id }));
    await step.context.sendActivity(choiceMessage(step.context, withNotice(draft, question), draft.offered));
    return Dialog.EndOfTurn;
  }

  /** The candidate events still on sale, soonest first. */
  private candidatesOf(draft: PurchaseDraft): CatalogEvent[] {
    const upcoming = new Set(this.deps.catalog.upcoming(this.now()).map((event) => event.id));
    return (draft.candidates ?? []).filter((id) => upcoming.has(id)).map((id) => this.deps.catalog.event(id)!);
  }

  /** Which section? Skipped for "cheapest" and "best", which pick one. */
  private async sectionStep(step: WaterfallStepContext, draft: PurchaseDraft, event: CatalogEvent): Promise<DialogTurnResult> {
    const available = await this.availability(event.id);
    const hasRoom = (section: Section) => (available.get(section.id)?.available ?? 0) >= (draft.quantity ?? 1);
    // Among the sections the customer's words named alike, while any has room; else among all.
    const named = event.sections.filter((section) => draft.sectionChoices?.includes(section.id) && hasRoom(section));
    const open = named.length > 0 ? named : event.sections.filter(hasRoom);
    if (open.length === 0) {
      await step.context.sendActivity(say(step.context).nothingFits(draft.quantity ?? 1, step.context));
      return step.endDialog({});
    }
    const affordable = draft.maxPrice === undefined ? open : open.filter((section) => section.price <= draft.maxPrice!);
    const candidates = affordable.length > 0 ? affordable : open;
    // "cheapest", "best", or a cap only one section is under: nothing to ask.
    const onlyAffordable = draft.maxPrice !== undefined && affordable.length === 1 ? affordable[0] : undefined;
    if (draft.preference || onlyAffordable) {
      draft.sectionId = (onlyAffordable ?? pickByPreference(candidates, draft.preference!)).id;
      return step.replaceDialog(WATERFALL, draft);
    }
    const intro = affordable.length === 0 ? `${say(step.context).nothingUnder(draft.maxPrice!, event.currency)} ` : '';
    draft.asking = 'section';
    draft.offered = candidates.map((section) => ({
      title: say(step.context).sectionTitle(section, event.currency, available.get(section.id)?.available),
      value: section.id,
    }));
    await step.context.sendActivity(choiceMessage(step.context, withNotice(draft, intro + say(step.context).sectionQuestion(event)), draft.offered));
    return Dialog.EndOfTurn;
  }

  /**
   * How many tickets? On chat, buttons for the usual party sizes (any other
   * number can be typed). Each sends its number, read as the answer the way a
   * typed one is, so nothing is offered to pick from. SMS keeps the bare
   * question: a numbered list of numbers would only repeat them.
   */
  private async quantityStep(step: WaterfallStepContext, draft: PurchaseDraft): Promise<DialogTurnResult> {
    draft.asking = 'quantity';
    draft.offered = undefined;
    const max = this.deps.limits.maxPartySize;
    const question = withNotice(draft, say(step.context).howMany(max));
    const sizes: Choice[] = Array.from({ length: Math.min(max, QUANTITY_BUTTONS) }, (_, i) => ({ title: String(i + 1), value: String(i + 1) }));
    await step.context.sendActivity(isSms(step.context) ? question : choiceMessage(step.context, question, sizes));
    return Dialog.EndOfTurn;
  }

  /** Everything is known: hold the seats and send the link, or offer what is possible. */
  private async holdStep(step: WaterfallStepContext, draft: PurchaseDraft, event: CatalogEvent): Promise<DialogTurnResult> {
    const section = this.deps.catalog.section(event.id, draft.sectionId!)!;
    const result = await this.deps.purchase.start({
      customer: customerOf(step.context),
      eventId: event.id,
      sectionId: section.id,
      quantity: draft.quantity!,
      originKey: clientAddressOf(step.context),
      language: languageOf(step.context),
      ...(draft.replacing ? { replacing: draft.replacing } : {}),
    });
    if (result.ok) {
      const { order, payUrl } = result;
      const replies = say(step.context);
      const card = await this.deps.payByReply?.offer(order);
      const held = (result.replaced ? `${replies.replacedHold(result.replaced)} ` : '') + replies.held(event, section, order, this.deps.limits.holdMinutes);
      // With a saved card: "…Pay within 15 min. Reply YES to pay $400 with Visa ending 4242, or open <link>".
      const text = card ? `${held}. ${replies.payByReply(order, card, step.context)}` : held;
      await step.context.sendActivity(
        isSms(step.context)
          ? `${text}${card ? ' ' : ': '}${payUrl}`
          : // A YES closes this page and a refusal opens another: only the pay link follows to whichever is open.
            linkMessage(`${text}.`, { title: replies.payButton(order), url: card ? payUrl : (order.checkoutUrl ?? payUrl) }),
      );
      return step.endDialog({ orderId: order.id } satisfies BuyTicketsResult);
    }
    switch (result.reason) {
      case 'not_on_sale_yet':
        await step.context.sendActivity(say(step.context).notOnSaleYet(event, result.onSaleAt));
        return step.endDialog({});
      case 'checkout_failed':
        await step.context.sendActivity(draft.replacing ? `${say(step.context).checkoutFailedNoChange} ${say(step.context).earlierHoldStands(draft.replacing)}` : say(step.context).checkoutFailed);
        return step.endDialog({});
      case 'replaced_is_paid':
        await step.context.sendActivity(say(step.context).alreadyPaidNoChange(result.openOrder.id, step.context));
        return step.endDialog({});
      case 'already_holding':
      case 'too_many_holds': {
        const open = result.openOrder;
        await step.context.sendActivity(
          open ? say(step.context).openHold(open, this.deps.catalog.section(open.eventId, open.sectionId), this.deps.purchase.payLink(open), step.context) : say(step.context).help(step.context),
        );
        return step.endDialog({});
      }
      case 'origin_holds':
      case 'unpaid_share':
        await step.context.sendActivity(say(step.context).holdLimit(result.reason, section, this.deps.limits.holdMinutes));
        return step.endDialog({});
      case 'party_too_large':
      case 'bad_quantity':
        return step.replaceDialog(WATERFALL, { ...draft, quantity: undefined, notice: say(step.context).tooMany(this.deps.limits.maxPartySize) });
      case 'unknown_section':
        return step.replaceDialog(WATERFALL, { ...draft, sectionId: undefined });
      case 'not_enough_seats':
      case 'no_adjacent_block':
        return this.alternativeStep(step, draft, event, section, { ...result, reason: result.reason });
    }
  }

  /** The section cannot seat the party together: offer fewer seats there, or the nearest sections that can. */
  private async alternativeStep(
    step: WaterfallStepContext,
    draft: PurchaseDraft,
    event: CatalogEvent,
    section: Section,
    refusal: { reason: 'not_enough_seats' | 'no_adjacent_block'; available: number; largestBlock: number },
  ): Promise<DialogTurnResult> {
    const quantity = draft.quantity!;
    const available = await this.availability(event.id);
    const others = event.sections
      .filter((other) => other.id !== section.id && fits(available.get(other.id), quantity))
      .sort((a, b) => Math.abs(a.price - section.price) - Math.abs(b.price - section.price))
      .slice(0, ALTERNATIVES_LISTED);
    const offered: Choice<Alternative>[] = others.map((other) => ({
      title: say(step.context).sectionTitle(other, event.currency, available.get(other.id)?.available),
      value: { sectionId: other.id, quantity },
    }));
    const together = refusal.reason === 'no_adjacent_block' ? refusal.largestBlock : refusal.available;
    if (together > 0) offered.unshift({ title: say(step.context).fewerIn(together, section), value: { sectionId: section.id, quantity: together } });
    const why =
      refusal.available === 0
        ? say(step.context).soldOut(section)
        : refusal.reason === 'not_enough_seats'
          ? say(step.context).notEnough(section, refusal.available)
          : say(step.context).notTogether(section, refusal.largestBlock);
    if (offered.length === 0) {
      await step.context.sendActivity(`${why} ${say(step.context).nothingFits(quantity, step.context)}`);
      return step.endDialog({});
    }
    Object.assign(draft, { sectionId: undefined, asking: 'alternative', offered });
    await step.context.sendActivity(choiceMessage(step.context, `${why} ${say(step.context).pickAlternative}`, offered));
    return Dialog.EndOfTurn;
  }

  /**
   * Reads an answer into the draft. True if it told us anything new. A
   * numbered or button answer picks from what was offered; otherwise the
   * message is read as free text, so any step accepts any detail.
   */
  private absorb(draft: PurchaseDraft, said: Recognized, text: string, typed: string, numbered: boolean): boolean {
    // Options are numbered only on SMS; chat shows buttons, which send their title.
    const position = numbered ? said.bareNumber : undefined;
    const picked = draft.asking && draft.asking !== 'quantity' ? pickChoice(typed, position, draft.offered) : undefined;
    const before = JSON.stringify([draft.eventId, draft.sectionId, draft.sectionChoices, draft.quantity, draft.preference, draft.maxPrice]);
    const doubt = draft.didYouMean;
    Object.assign(draft, { didYouMean: undefined, notOnSale: undefined });
    if (doubt && said.intent === 'yes') {
      this.chooseEvent(draft, doubt);
    } else if (picked !== undefined) {
      if (draft.asking === 'event') this.chooseEvent(draft, picked as string);
      if (draft.asking === 'section') draft.sectionId = picked as string;
      if (draft.asking === 'alternative') Object.assign(draft, picked as Alternative);
    } else {
      this.absorbFreeText(draft, said, text, numbered);
    }
    return JSON.stringify([draft.eventId, draft.sectionId, draft.sectionChoices, draft.quantity, draft.preference, draft.maxPrice]) !== before;
  }

  private absorbFreeText(draft: PurchaseDraft, said: Recognized, text: string, numbered: boolean): void {
    const answer = this.candidateAnswer(draft, said, text);
    if (answer) this.chooseEvent(draft, answer);
    else if (said.event && said.event.id !== draft.eventId) this.chooseEvent(draft, said.event.id);
    else if (!said.event && !said.candidates && said.when && draft.eventId) this.movePerformance(draft, said.when);
    else if (said.candidates || said.notThen) {
      const { candidates, notThen } = BuyTicketsDialog.draftFrom(said);
      Object.assign(draft, { eventId: undefined, candidates, notThen });
      if (said.section) draft.sectionId = said.section.id;
    }
    const event = draft.eventId ? this.deps.catalog.event(draft.eventId) : undefined;
    // A bare number is a section only when a section was asked for and it is
    // not one of the numbered options: "101" in answer to "which section?".
    const sectionWords = said.quantity === undefined && (said.bareNumber === undefined || draft.asking === 'section');
    const section = said.section ?? (event && sectionWords ? this.deps.finder.findSection(event, text) : undefined);
    if (section && event?.sections.includes(section)) draft.sectionId = section.id;
    else if (said.sectionChoices && event) draft.sectionChoices = said.sectionChoices.filter((choice) => event.sections.includes(choice)).map((choice) => choice.id);
    // On chat a lone number that names no section is a party size ("2"), since
    // the buttons carry no numbers; on SMS it was a numbered option, or nothing.
    const numberIsQuantity = draft.asking === 'quantity' || (!numbered && !section && draft.quantity === undefined);
    const quantity = said.quantity ?? (numberIsQuantity ? said.bareNumber : undefined);
    if (quantity !== undefined && quantity > 0) draft.quantity = quantity;
    if (said.preference) draft.preference = said.preference;
    if (said.maxPrice !== undefined) draft.maxPrice = said.maxPrice;
  }

  /** The event, keeping the section already said if it has one by that id (performances share a venue). */
  private chooseEvent(draft: PurchaseDraft, eventId: string): void {
    const event = this.deps.catalog.event(eventId);
    if (draft.sectionId && !event?.sections.some((section) => section.id === draft.sectionId)) draft.sectionId = undefined;
    const before = draft.eventId ? this.deps.catalog.event(draft.eventId) : undefined;
    if (before && before.id !== eventId && before.name !== event?.name && !draft.candidates?.includes(eventId)) draft.sectionId = undefined;
    Object.assign(draft, { eventId, candidates: undefined, notThen: undefined });
  }

  /** "actually sunday": the same show's performance on that day, if exactly one. */
  private movePerformance(draft: PurchaseDraft, when: When): void {
    const held = this.deps.catalog.event(draft.eventId!);
    const fitting = held ? performancesFitting(this.deps.catalog, held, when, this.now()) : [];
    if (fitting.length === 1 && fitting[0]!.id !== draft.eventId) this.chooseEvent(draft, fitting[0]!.id);
  }

  /**
   * An answer to "which one?" in words: "the sunday one", "the 8pm",
   * "matinee", "the later one", "the sharks game". Undefined when it does
   * not pick exactly one of the candidates.
   */
  private candidateAnswer(draft: PurchaseDraft, said: Recognized, text: string): string | undefined {
    const candidates = this.candidatesOf(draft);
    if (candidates.length < 2) return undefined;
    const named = (said.candidates ?? (said.event ? [said.event] : [])).filter((event) => candidates.includes(event));
    const pool = named.length > 0 ? named : candidates;
    const fitting = eventsFitting(pool, said.when ?? readWhen(text, this.now(), venueOffset(pool[0]!)));
    if (fitting.length === 1) return fitting[0]!.id;
    const order = ORDER_WORDS.exec(text.toLowerCase());
    if (order) return (/^(?:later|last|second|latest|late|segund|[uú]ltim)/.test(order[1]!) ? pool.at(-1) : pool[0])!.id;
    return undefined;
  }

  private async availability(eventId: string): Promise<Map<string, SectionInventory>> {
    const inventory = await this.deps.seats.inventory(eventId);
    return new Map((inventory?.sections ?? []).map((section) => [section.id, section]));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/** "the later one", "the first one", "el primero", "the early show". */
const ORDER_WORDS = /\b(later|last|second|latest|late|earlier|first|earliest|early|primer[oa]?|segund[oa]|[uú]ltim[oa])\b/;

function withNotice(draft: PurchaseDraft, question: string): string {
  return draft.notice ? `${draft.notice} ${question}` : question;
}

function fits(inventory: SectionInventory | undefined, quantity: number): boolean {
  return (inventory?.largestBlock ?? inventory?.available ?? 0) >= quantity;
}

function pickByPreference(sections: Section[], preference: 'cheapest' | 'best'): Section {
  const sorted = [...sections].sort((a, b) => (preference === 'cheapest' ? a.price - b.price || b.tier - a.tier : b.tier - a.tier || a.price - b.price));
  return sorted[0]!;
}
