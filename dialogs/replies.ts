// The bot's sentences in the conversation's language: English
// (replies.en.ts) or Spanish (replies.es.ts), one file per language.
import type { TurnContext } from 'botbuilder';
import type { Language } from '../src/customers/language.js';
import { languageOf } from './language.js';
import { english, type Replies } from './replies.en.js';
import { spanish } from './replies.es.js';

export { BOX_OFFICE_NAME, leaveWord, type Replies } from './replies.en.js';

const BY_LANGUAGE: Record<Language, Replies> = { en: english, es: spanish };

/** What to say on this turn, in the language the customer writes in. */
export function say(context: TurnContext): Replies {
  return BY_LANGUAGE[languageOf(context)];
}
