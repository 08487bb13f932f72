// When a customer wants to go: "saturday", "fri night", "the 12th", "12/12",
// "the 8pm one", "matinee", "nochevieja", "el domingo". Read with chrono-node
// (English and Spanish, about 0.06 ms a message), plus what it misses: a day
// of the month alone ("the 9th"), holiday names, and words for the part of the
// day. Matched against each event's start as the venue's clocks show it, so
// "saturday" is the venue's Saturday wherever the server runs.
import * as chrono from 'chrono-node';
import type { CatalogEvent } from './catalog.schema.js';
import { readLocalTime } from './local-time.js';

/** What a message says about the day and time; every list that is not empty must fit. */
export interface When {
  /** Local dates, "2026-12-12": a date given in full, or "tomorrow", "next tuesday", a holiday. */
  dates: string[];
  /** 0 (Sunday) to 6: "saturday", "fri night", "el domingo" (any upcoming one). */
  weekdays: number[];
  /** "the 12th": that day of any month. */
  daysOfMonth: number[];
  /** 1 to 12: "in feb" (any day of it). */
  months: number[];
  /** Local hours the start may have: [20] for "8pm", [8, 20] for "las 8". */
  hours: number[];
  /** "matinee", "afternoon" (starts before 5pm) or "evening", "night" (5pm or later). */
  part?: 'day' | 'evening';
}

const EVENING_FROM_HOUR = 17;

const DAY_WORDS = /\b(?:matinee|matine|matin[eé]e?|afternoon|arvo|day ?game|daytime|early show|de (?:la )?tarde|por la tarde|en la tarde|tarde|mediod[ií]a)\b/i;
const EVENING_WORDS = /\b(?:evening|night|tonight|nite|late show|nighttime|de (?:la )?noche|por la noche|en la noche|noche|nocturn[ao])\b/i;
// Without "st"/"th", "the 4" is a day only when nothing follows that it could count: "on the 12", "the 12 at 8", not "the 4 grandkids".
const DAY_OF_MONTH =
  /\b(?:(?:the|on the|el d[ií]a|el) (\d{1,2})(?:st|nd|rd|th|º)\b|(?:on the|el d[ií]a|el) (\d{1,2})\b(?! ?(?:tickets?|tix|boletos?|entradas?|people|personas|of|de (?!(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre))))|the (\d{1,2})(?= *(?:$|[?!.,]|at\b|@|show|one|performance|game|night|or\b)))/i;
const ORDINAL_DAY = /\b(\d{1,2})(?:st|nd|rd|th)\b/i;
/** Relative words that make a weekday one date, not any such day: "this saturday", "next friday", "este sábado". */
const ONE_DATE = /^(?:this|next|coming|este|esta|pr[oó]xim[oa]|el pr[oó]ximo)\b|\b(?:today|tonight|tomorrow|hoy|ma[nñ]ana)\b/i;

const HOLIDAYS: ReadonlyArray<readonly [RegExp, number, number]> = [
  [/\b(?:new ?year'?s ?eve|nye|noche ?vieja|nochevieja|fin de a[nñ]o)\b/i, 12, 31],
  [/\b(?:new ?year'?s(?: day)?|a[nñ]o nuevo)\b/i, 1, 1],
  [/\b(?:christmas eve|xmas eve|nochebuena|noche buena)\b/i, 12, 24],
  [/\b(?:christmas|xmas|navidad)\b/i, 12, 25],
  [/\b(?:valentine'?s(?: day)?|san valent[ií]n|d[ií]a de(?:l amor| los enamorados))\b/i, 2, 14],
  [/\b(?:halloween)\b/i, 10, 31],
  [/\b(?:st\.? patrick'?s(?: day)?|st\.? paddy'?s)\b/i, 3, 17],
];

const PARSERS = [chrono.en.casual, chrono.es.casual];
/** "this fridays game": the day, however typed. */
const PLURAL_WEEKDAY = /\b((?:mon|tues|wednes|thurs|fri|satur|sun)day)s\b/gi;
/** Runs of spaces left where words were taken out: chrono reads "6 dec" but not "6 dec   " as a date. */
const SPACES = /\s+/g;
const PART_OF_DAY = /\b(?:night|evening|afternoon|morning)\b/gi;
/** "the second night", "the first show": which of several, not a day ("second jan 10" is not 2 January 2010). */
const WHICH_ONE = /\b(?:first|second|third|last|other)(?= (?:night|evening|show|showing|performance|game|one|date|day)\b)/gi;

/**
 * Numbers no customer means as a date or time, taken out before chrono reads
 * the text: section numbers ("sec 305", "the 200s", "204") and counts
 * ("x 6"). Left in, chrono reads "4 sec" as four seconds from now and "204 a"
 * as 2:04am.
 */
const NOT_WHEN = /\b(?:section|sect|sec|sc|secci[oó]n)\.? ?\d+\w*|\b\d{3,}s?\b|\bx ?\d+\b|\b\d+ ?x\b/gi;
/** A time of day must look like one: "8pm", "7:30", "at 8", "a las 8", not a lone number. */
const LOOKS_LIKE_TIME = /\d:\d\d|\d ?(?:am|pm|a\.m|p\.m|oclock|o'clock)\b|\b(?:at|a las|las|@) ?\d|\b(?:noon|midnight|mediod[ií]a|medianoche)\b/i;
/** Something chrono could read as a day or a time: a month, a weekday, a relative day, "8pm", "7:30", "12/12", "the 12th", "at 8". */
const DATE_HINT =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|mon|tue|wed|thu|fri|sat|sun|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|today|tonight|tomorrow|hoy|ma[nñ]ana|noon|midnight|mediod[ií]a|medianoche)|\d ?(?:am|pm|a\.m|p\.m|oclock|o'clock|st|nd|rd|th)\b|\d[:/.-]\d|\b(?:at|a las|las|@) ?\d/i;
const WEEKDAY_WORD =
  /\b(?:mon|monday|tue|tues|tuesday|wed|weds|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|today|tonight|tomorrow|hoy|ma[nñ]ana)\b/i;
/** "this weekend", "next weekend", "el fin de semana": its Friday, Saturday and Sunday (chrono reads only the Saturday). */
/** Words after a date's day number that make the number a count: "feb 2 tickets", "dec 4 of us". */
const IN_BEFORE = /\b(?:in|en)\s*$/i;
const LETTER_FIRST = /^\p{L}/u;
const COUNT_AFTER = /^ ?(?:tickets?|tix|tkts?|seats?|people|ppl|adults?|kids?|of us|standing|pax|x\b|boletos?|entradas?|personas|asientos)/i;
/** "in feb", "en febrero": the month alone. */
const MONTH_ONLY = /\b(?:in|en|for|para|during) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)[a-z]*\b/i;
const MONTH_NUMBERS: Readonly<Record<string, number>> = {
  jan: 1, ene: 1, feb: 2, mar: 3, apr: 4, abr: 4, may: 5, jun: 6, jul: 7, aug: 8, ago: 8, sep: 9, oct: 10, nov: 11, dec: 12, dic: 12,
};
const WEEKEND = /\b(?:this|(next)|the coming|este|(pr[oó]ximo)|el) (?:week ?end|fin de semana|finde)\b/i;
/** chrono's "the day" is today; customers mean nothing by it ("busy during the day"). */
const NOT_A_DATE = /^(?:the )?day$|^(?:el )?d[ií]a$/i;

/**
 * What `text` says about when, read at `now` in the venue's zone (the written
 * UTC offset of its events, in minutes east). Undefined when it says nothing.
 */
export function readWhen(text: string, now: Date, offsetMinutes: number): When | undefined {
  const when: When = { dates: [], weekdays: [], daysOfMonth: [], months: [], hours: [] };
  const month = MONTH_ONLY.exec(text);
  if (month) when.months.push(MONTH_NUMBERS[month[1]!.toLowerCase()]!);
  let rest = text;
  for (const [pattern, month, day] of HOLIDAYS) {
    const holiday = pattern.exec(rest);
    if (!holiday) continue;
    const date = nextDate(now, offsetMinutes, month, day);
    // "valentines weekend": the Friday to Sunday around it.
    const weekendOf = /^ ?(?:week ?end|fin de semana|finde)\b/i.test(rest.slice(holiday.index + holiday[0].length));
    when.dates.push(...(weekendOf ? weekendAround(date) : [date]));
    rest = rest.replace(pattern, ' ');
  }
  const weekend = WEEKEND.exec(rest);
  if (weekend) {
    when.dates.push(...weekendDates(now, offsetMinutes, weekend[1] !== undefined || weekend[2] !== undefined));
    rest = rest.replace(WEEKEND, ' ');
  }
  // Parts of the day are read below, from the whole text; chrono would fold
  // "night" into the date beside it and lose the day ("night, jan 10").
  rest = rest.replace(NOT_WHEN, ' ').replace(WHICH_ONE, ' ').replace(PART_OF_DAY, ' ').replace(PLURAL_WEEKDAY, '$1').replace(SPACES, ' ').trim();
  const reference = { instant: now, timezone: offsetMinutes };
  // chrono allocates a good deal per parse; most messages ("2 tix lakers sec 101") have no date to find.
  for (const parser of DATE_HINT.test(rest) ? PARSERS : []) {
    for (const result of parser.parse(rest, reference, { forwardDate: true })) {
      if (NOT_A_DATE.test(result.text.trim())) continue;
      const start = result.start;
      const dayKnown = start.isCertain('day');
      // chrono's Spanish reads "san" (of "san jose") as sábado: a weekday must be written as one.
      const weekdayKnown = start.isCertain('weekday') && WEEKDAY_WORD.test(result.text);
      const hourKnown = start.isCertain('hour') && LOOKS_LIKE_TIME.test(result.text);
      // A month alone is no date ("may i get 2"): a day, a weekday or an hour must be known.
      if (!dayKnown && !weekdayKnown && !hourKnown) continue;
      // "in january, 2 in section 101": a month said with "in" is the month; the number after it counts people.
      const inMonth = IN_BEFORE.test(rest.slice(0, result.index)) && LETTER_FIRST.test(result.text);
      if (dayKnown && (inMonth || COUNT_AFTER.test(rest.slice(result.index + result.text.length)))) {
        // "feb 2 standing room": the 2 counts people; only the month was meant.
        when.months.push(start.get('month')!);
      } else if (dayKnown || (weekdayKnown && ONE_DATE.test(result.text))) {
        when.dates.push(isoDate(start.get('year')!, start.get('month')!, start.get('day')!));
      } else if (weekdayKnown) {
        when.weekdays.push(start.get('weekday')!);
      }
      if (hourKnown) {
        const hour = start.get('hour')!;
        // "las 8", "at 8": no am or pm said, and shows start in the evening more often than at dawn.
        when.hours.push(hour, ...(!start.isCertain('meridiem') && hour < 12 ? [hour + 12] : []));
      }
      rest = rest.replace(result.text, ' ');
    }
  }
  const dayOfMonth = DAY_OF_MONTH.exec(rest) ?? (when.dates.length === 0 ? ORDINAL_DAY.exec(rest) : null);
  const day = Number(dayOfMonth?.[1] ?? dayOfMonth?.[2] ?? dayOfMonth?.[3]);
  if (day >= 1 && day <= 31) when.daysOfMonth.push(day);
  if (DAY_WORDS.test(text)) when.part = 'day';
  else if (EVENING_WORDS.test(text)) when.part = 'evening';
  const said = when.dates.length + when.weekdays.length + when.daysOfMonth.length + when.months.length + when.hours.length > 0 || when.part !== undefined;
  return said ? dedupe(when) : undefined;
}

/** True when the event starts on a day and at a time the customer's words allow. */
export function fitsWhen(event: CatalogEvent, when: When): boolean {
  const local = readLocalTime(event.startsAt);
  if (!local) return false;
  const date = isoDate(local.year, local.month, local.day);
  const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
  if (when.dates.length > 0 && !when.dates.includes(date)) return false;
  if (when.weekdays.length > 0 && !when.weekdays.includes(weekday)) return false;
  if (when.daysOfMonth.length > 0 && !when.daysOfMonth.includes(local.day)) return false;
  if (when.months.length > 0 && !when.months.includes(local.month)) return false;
  if (when.hours.length > 0 && !when.hours.includes(local.hour)) return false;
  if (when.part === 'day' && local.hour >= EVENING_FROM_HOUR) return false;
  if (when.part === 'evening' && local.hour < EVENING_FROM_HOUR) return false;
  return true;
}

/** The events of `events` the words allow; all of them when the words say nothing about when. */
export function eventsFitting<T extends CatalogEvent>(events: readonly T[], when: When | undefined): T[] {
  return when ? events.filter((event) => fitsWhen(event, when)) : [...events];
}

/** The venue's UTC offset, in minutes east, as its events are written (the first one's). */
export function venueOffset(event: CatalogEvent): number {
  return readLocalTime(event.startsAt)?.offsetMinutes ?? 0;
}

/** The coming weekend's Friday, Saturday and Sunday (the one after, for "next weekend"); this one if it is under way. */
function weekendDates(now: Date, offsetMinutes: number, next: boolean): string[] {
  const local = new Date(now.getTime() + offsetMinutes * 60_000);
  const weekday = local.getUTCDay();
  // Days until Friday; on Saturday or Sunday the weekend is this one (Friday is past).
  const toFriday = weekday === 6 ? -1 : weekday === 0 ? -2 : 5 - weekday;
  const friday = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + toFriday + (next ? 7 : 0));
  return [0, 1, 2].map((offset) => {
    const day = new Date(friday + offset * 86_400_000);
    return isoDate(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
  });
}

/** The Friday, Saturday and Sunday of the weekend a date is in, or the one before a weekday. */
function weekendAround(date: string): string[] {
  const day = Date.parse(`${date}T00:00:00Z`);
  const weekday = new Date(day).getUTCDay();
  const friday = day - (weekday >= 5 ? weekday - 5 : weekday === 0 ? 2 : weekday + 2) * 86_400_000;
  return [0, 1, 2].map((offset) => new Date(friday + offset * 86_400_000).toISOString().slice(0, 10));
}

function nextDate(now: Date, offsetMinutes: number, month: number, day: number): string {
  const local = new Date(now.getTime() + offsetMinutes * 60_000);
  let year = local.getUTCFullYear();
  if (Date.UTC(year, month - 1, day) < Date.UTC(year, local.getUTCMonth(), local.getUTCDate())) year += 1;
  return isoDate(year, month, day);
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function dedupe(when: When): When {
  return {
    dates: [...new Set(when.dates)],
    weekdays: [...new Set(when.weekdays)],
    daysOfMonth: [...new Set(when.daysOfMonth)],
    months: [...new Set(when.months)],
    hours: [...new Set(when.hours)],
    ...(when.part ? { part: when.part } : {}),
  };
}
