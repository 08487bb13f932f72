// What Spanish-speaking customers write, said the way the recognizer reads
// it. A message of a Spanish conversation is glossed word by word into the
// English the recognizer and the EventFinder already understand ("somos 4
// para los kings, platea" → "we are 4 for los kings orchestra"), so one
// reading serves both languages and a Spanish word is taught in one place,
// here. Days, months and parts of the day stay in Spanish: the date reader
// (src/catalog/event-when.ts) reads them with chrono's Spanish parser, and
// articles stay too, since names carry them ("el tráfico", "la galaxy").
import { normalize } from '../src/catalog/text.normalizer.js';

/** "sección" → "seccion", "año" → "ano": customers type accents or not, and the gloss must match both. */
export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '');
}
const COMBINING_MARKS = /\p{M}+/gu;

/** Phrases first, then single words; each pattern is tried on folded, normalized text. */
const GLOSSARY: ReadonlyArray<readonly [string, string]> = [
  // Greetings and courtesy, before "noche" and "tarde" can read as a part of the day.
  ['buenas tardes|buenas noches|buenos dias|hola buenas|buenas', 'hello'],
  ['holaa+|hola', 'hi'],
  ['muchas gracias(?: de antemano)?|gracias', 'thanks'],
  ['por favor|porfa|porfis', 'please'],
  ['disculpe la molestia|disculpa la molestia', ''],
  ['perdon|perdona|disculpa|disculpe|ay', 'sorry'],
  // Sections, as venues' seat maps name them in English.
  ['admision general|entrada general|general(?! admission)', 'general admission'],
  ['pista de baile', 'dance floor'],
  ['(?:la )?pista general|la pista|pista', 'floor'],
  ['de pie con la aficion|de pie|parados', 'standing'],
  ['(?:la )?zona de la barra|la barra|barra', 'supporters end'],
  ['platea|orquesta', 'orchestra'],
  ['palcos?', 'box'],
  ['balcon|galeria', 'balcony'],
  ['el de adelante|la de adelante|de adelante|adelante|delantero|delantera', 'front'],
  ['el de atras|de atras|atras|trasero', 'rear'],
  ['nivel inferior|abajo', 'lower level'],
  ['nivel superior|arriba', 'upper level'],
  ['(?:la )?esquina', 'corner'],
  ['secciones|seccion|sec', 'section'],
  ['filas?', 'row'],
  ['asientos|lugares', 'seats'],
  ['boletos?|entradas?|tickets?', 'tickets'],
  // Events and kinds of events.
  ['(?:el )?show de magia|(?:el )?espectaculo de magia|magia', 'magic show'],
  ['(?:el )?show de comedia|comedia', 'comedy show'],
  ['(?:la )?fiesta de (?:fin de ano|ano nuevo|nochevieja)|fin de ano|ano nuevo|nochevieja', 'new years eve'],
  ['(?:los )?ilusionistas', 'illusionists'],
  ['(?:el )?partido de hockey|hockey', 'hockey game'],
  ['partido', 'game'],
  ['(?:el )?concierto', 'concert'],
  ['funcion', 'show'],
  ['contra', 'vs'],
  // Who is coming: the party-size reading knows these in English ("él, yo y nuestros dos hijos" is four).
  ['solo yo|nada mas yo|yo solo|solamente yo', 'just me'],
  ['el y yo|ella y yo', 'me and him'],
  ['el yo', 'him me'],
  ['yo', 'me'],
  ['mi|mis|nuestros|nuestras|nuestro|nuestra', 'my'],
  ['esposa|senora|mujer', 'wife'],
  ['esposo|marido', 'husband'],
  ['hijos|hijas|ninos|ninas|chamacos', 'kids'],
  ['hijo|hija|nino|nina', 'kid'],
  ['hermana', 'sister'],
  ['hermano', 'brother'],
  ['novia', 'girlfriend'],
  ['novio', 'boyfriend'],
  ['amigos|amigas', 'friends'],
  ['amigo|amiga', 'friend'],
  ['adultos', 'adults'],
  ['somos|seriamos|seremos|vamos a ser', 'we are'],
  // Wanting, asking, changing.
  ['quiero|queremos|quisiera|quisieramos|necesito|necesitamos|me da|me das|me puede dar|dame|me pueden apartar|quiero apartar', 'i want'],
  ['mejor(?= \\d| dos| tres| cuatro| cinco| seis| en| el| la)', 'actually'],
  ['(?:los |lo |el |la )?mas (?:baratos?|baratas?|economicos?|economicas?)|baratos?|baratas?|economicos?', 'cheapest'],
  ['(?:los )?mejores(?: asientos| lugares)?', 'best seats'],
  ['cuanto cuestan|cuanto cuesta|cuanto sale|cuanto es|cuanto|precio|precios', 'how much'],
  ['a que hora (?:es|empieza|comienza|juegan|juega)|a que hora|que hora', 'what time'],
  ['cuando (?:es|juega|juegan)|cuando', 'when'],
  ['donde (?:es|juega|juegan|queda)|donde', 'where is'],
  ['hay boletos|tienen boletos|hay', 'any tickets'],
  ['mis boletos|mis entradas|mi pedido|mi orden|mi compra|estado', 'my tickets'],
  ['ayuda', 'help'],
  // The word the Spanish replies give for an upgrade ("Escriba MEJORAR").
  ['mejorar', 'upgrade'],
  ['salir|olvidalo|cancelar', 'cancel'],
  ['empezar de nuevo|de nuevo|reiniciar', 'start over'],
  ['si claro|claro que si|claro|dale|vale|de acuerdo|esta bien|si|sip|ok', 'yes'],
  ['no gracias', 'no thanks'],
  // "domingo no viernes": what is ruled out, as the recognizer reads "not".
  ['no(?= [a-z0-9])', 'not'],
  ['para|pa|por', 'for'],
  ['y', 'and'],
  ['en', 'in'],
  ['con', 'with'],
  ['es', 'is'],
  ['que', 'that'],
  ['ver', 'see'],
  ['ir', 'go'],
  ['al', 'to the'],
];

/** Number words first, so the phrases below can count: "mis dos hijos" → "my two kids". */
const NUMBERS: Readonly<Record<string, string>> = {
  uno: 'one', una: 'one', dos: 'two', tres: 'three', cuatro: 'four', cinco: 'five', seis: 'six', siete: 'seven', ocho: 'eight',
  nueve: 'nine', diez: 'ten', once: 'eleven', doce: 'twelve', par: 'pair',
};
const NUMBER_WORD = new RegExp(`\\b(?:${Object.keys(NUMBERS).join('|')})\\b`, 'g');

// One pass over the text with every pattern as an alternative: each place in
// the message is glossed once, by the first (longest) phrase that fits there.
const PATTERN = new RegExp(GLOSSARY.map(([spanish]) => `\\b(${spanish})\\b`).join('|'), 'g');
/** How many capture groups each entry takes in PATTERN: its own and any inside it. */
const GROUPS = GLOSSARY.map(([spanish]) => new RegExp(`(${spanish})|`).exec('')!.length - 1);

/** The message of a Spanish conversation, normalized, in the recognizer's words. */
export function glossSpanish(text: string): string {
  // Folded before normalizing: the normalizer's word boundaries are ASCII ones, and "balcón" is not "balc" + "ón".
  return normalize(foldAccents(text))
    .replace(NUMBER_WORD, (word) => NUMBERS[word]!)
    .replace(PATTERN, (...match: unknown[]) => {
      let group = 1;
      for (let entry = 0; entry < GLOSSARY.length; entry++) {
        if (match[group] !== undefined) return GLOSSARY[entry]![1];
        group += GROUPS[entry]!;
      }
      return match[0] as string;
    })
    .replace(SPACES, ' ')
    .trim();
}
const SPACES = /\s+/g;
