import twilio from 'twilio';

/** Twilio allows at most 10 <Message> elements in one TwiML reply (error 14109). */
const MAX_TWIML_MESSAGES = 10;

export interface TwimlRepliesOptions {
  /** Most distinct replies kept; past it the oldest is dropped. @default 256 */
  maxCached?: number;
}

/**
 * The TwiML answering an inbound text: one <Message> per reply text.
 *
 * twilio's MessagingResponse builds it through xmlbuilder, a whole XML
 * document for the response and another for each message (its child nodes
 * extend TwiML, whose constructor starts a document), which came to a few
 * percent of an SMS turn's CPU in an on-sale rush. Many customers get the
 * very same replies (every "sold out" of a rush, "How many tickets?"), so the
 * XML of the last few hundred distinct replies is kept and reused. Twilio's
 * builder stays the one that writes (and escapes, and refuses) every reply.
 */
export class TwimlReplies {
  readonly #cache = new Map<string, string>();
  readonly #maxCached: number;

  constructor(options: TwimlRepliesOptions = {}) {
    this.#maxCached = options.maxCached ?? 256;
  }

  /** The TwiML for these texts; more than 10 are sent as 9 and one joined message. */
  for(texts: readonly string[]): string {
    const key = JSON.stringify(texts);
    let xml = this.#cache.get(key);
    if (xml === undefined) {
      xml = build(texts);
      if (this.#cache.size >= this.#maxCached) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, xml);
    }
    return xml;
  }
}

function build(texts: readonly string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  const fitted = texts.length > MAX_TWIML_MESSAGES ? [...texts.slice(0, MAX_TWIML_MESSAGES - 1), texts.slice(MAX_TWIML_MESSAGES - 1).join('\n\n')] : texts;
  for (const text of fitted) response.message(text);
  return response.toString();
}
