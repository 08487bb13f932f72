// Which language a conversation is in. A conversation that starts in Spanish
// is answered in Spanish, every reply, until the customer writes in English:
// a clerk answers in the language they were spoken to. The choice is kept in
// the conversation's own state (botbuilder's ConversationState, which the bot
// lends the turn), so a purchase, a status question and a refund days later
// all speak the same language.
import type { TurnContext } from 'botbuilder';
import { CONVERSATION_STATE_KEY } from '../src/bot/box-office.bot.js';
import { foldAccents, glossSpanish } from './spanish.js';

export type { Language } from '../src/customers/language.js';
import type { Language } from '../src/customers/language.js';

const TURN_LANGUAGE = Symbol('language');
const TURN_READING = Symbol('reading');

interface StateHolder {
  get(context: TurnContext): Record<string, unknown> | undefined;
}

/** The language to answer in on this turn. */
export function languageOf(context: TurnContext): Language {
  const noted = context.turnState.get(TURN_LANGUAGE) as Language | undefined;
  if (noted) return noted;
  return conversationMemory(context)?.language === 'es' ? 'es' : 'en';
}

/**
 * Reads the language of the customer's message and keeps it for the
 * conversation when the message says clearly which it is; a message that
 * says nothing ("2", "vip", "hozier") keeps the language as it was.
 */
export function noteLanguage(context: TurnContext, text: string): Language {
  const said = languageOfMessage(text);
  const language = said ?? languageOf(context);
  context.turnState.set(TURN_LANGUAGE, language);
  const memory = conversationMemory(context);
  if (memory && said && memory.language !== said) memory.language = said;
  // Read in English words: the recognizer and the EventFinder know one language (dialogs/spanish.ts).
  if (language === 'es') context.turnState.set(TURN_READING, glossSpanish(text));
  return language;
}

/**
 * The customer's message as the recognizer should read it: as typed, or,
 * in a Spanish conversation, glossed into the recognizer's words. Options
 * offered on the turn are still matched against what was typed (a chat
 * button sends its title back word for word).
 */
export function messageText(context: TurnContext): string {
  return (context.turnState.get(TURN_READING) as string | undefined) ?? context.activity.text ?? '';
}

function conversationMemory(context: TurnContext): Record<string, unknown> | undefined {
  return (context.turnState.get(CONVERSATION_STATE_KEY) as StateHolder | undefined)?.get(context);
}

// Words that only Spanish uses, each a sure sign alone; and words both
// languages have or that appear in English names ("los angeles", "la
// kings", "el trafico"), which count only together with another sign.
const SURE_SPANISH = new Set(
  (
    'hola holaa buenas buenos quiero queremos quisiera quiera necesito necesitamos somos seriamos seremos boletos boleto entradas ' +
    'cuanto cuantos cuanta cuantas cuesta cuestan cuando donde hay tienen tiene gracias porfa favor seccion asientos lugares ' +
    'para pa partido funcion concierto fiesta espectaculo domingo sabado viernes jueves miercoles martes lunes manana ' +
    'noche tarde mejor perdon perdona disculpa disculpe esposa esposo hijo hijos hija hijas hermana hermano amigos amiga ' +
    'ninos nino adultos platea palco balcon orquesta pista admision nochevieja ilusionistas magia comedia contra ' +
    'dos tres cuatro cinco seis siete ocho nueve diez barato baratos barata baratas economica economico quiero apartar ' +
    'nosotros nuestros nuestra ver ir juega empieza hora salir ayuda cancelar si claro dale vale'
  ).split(' '),
);
const MAYBE_SPANISH = new Set('el la los las de del un una y en con al mi mis que me lo solo no es yo'.split(' '));
const SURE_ENGLISH = new Set(
  (
    'the tickets ticket please want need for and with how much what when where which can could would get buy seats ' +
    'my our we us me i im is are any have do does thanks thank you show game night section'
  ).split(' '),
);

/** 'es' or 'en' when the message shows it, undefined when it could be either ("2", "hozier vip"). */
export function languageOfMessage(text: string): Language | undefined {
  let spanish = 0;
  let maybe = 0;
  let english = 0;
  for (const word of foldAccents(text.toLowerCase()).split(/[^a-z]+/)) {
    if (SURE_SPANISH.has(word)) spanish += 1;
    else if (MAYBE_SPANISH.has(word)) maybe += 1;
    else if (SURE_ENGLISH.has(word)) english += 1;
  }
  // "hola!", "somos 4": one sure word is enough; "en el pit" needs two of the maybes.
  const spanishScore = spanish * 2 + maybe;
  if (spanishScore >= 2 && spanishScore > english * 2) return 'es';
  if (english >= 2 && spanish === 0) return 'en';
  return undefined;
}
