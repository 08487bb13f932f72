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
 * builder stays the one that writes (and escapes) every reply.
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

/**
 * What XML 1.0 cannot carry, escaped or not: C0 control characters other than
 * tab, newline and carriage return, U+FFFE and U+FFFF, and lone surrogates.
 * xmlbuilder throws on them, and a reply may echo what someone typed (a
 * staff command's "No event matches …"), so they are dropped: one stray
 * control character must not turn the whole answer into a 500.
 */
const NOT_XML_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function build(texts: readonly string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  const fitted = texts.length > MAX_TWIML_MESSAGES ? [...texts.slice(0, MAX_TWIML_MESSAGES - 1), texts.slice(MAX_TWIML_MESSAGES - 1).join('\n\n')] : texts;
  for (const text of fitted) response.message(text.replace(NOT_XML_CHARACTERS, ''));
  return response.toString();
}
