// Wall-clock times of a venue. A catalog writes an event's start as the
// venue's local time with its UTC offset ("2026-12-05T19:30:00-08:00"); moving
// that start to another date must keep the wall-clock time (7:30pm) and take
// the offset the venue's time zone has on the new date (a December show moved
// to April is at -07:00 in Los Angeles, not -08:00).

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The parts of an ISO date and time as written, before any conversion. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC, as written: -480 for "-08:00". */
  offsetMinutes: number;
}

/** Reads "2026-12-05T19:30:00-08:00" as written; undefined when it is not of that form. */
export function readLocalTime(iso: string): LocalTime | undefined {
  const match = LOCAL_ISO.exec(iso);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, offset] = match;
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    offsetMinutes: offset === 'Z' ? 0 : parseOffset(offset!),
  };
}

function parseOffset(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** The same wall-clock time `days` later (or earlier), keeping the written offset. */
export function addLocalDays(time: LocalTime, days: number): LocalTime {
  const date = new Date(Date.UTC(time.year, time.month - 1, time.day + days));
  return { ...time, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "2026-12-05T19:30:00-08:00". */
export function writeLocalTime(time: LocalTime): string {
  const date = `${time.year}-${two(time.month)}-${two(time.day)}`;
  return `${date}T${two(time.hour)}:${two(time.minute)}:${two(time.second)}${writeOffset(time.offsetMinutes)}`;
}

/** -480 → "-08:00". */
export function writeOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** The instant a written local time names. */
export function instantOf(time: LocalTime): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second) - time.offsetMinutes * 60_000;
}

/** True when `timeZone` is an IANA zone name this Node knows, e.g. "America/Los_Angeles". */
export function isTimeZone(timeZone: string): boolean {
  try {
    zoneFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Minutes east of UTC that `timeZone` observes at the instant `at` (ms). */
export function zoneOffsetMinutes(timeZone: string, at: number): number {
  const parts = Object.fromEntries(zoneFormat(timeZone).formatToParts(new Date(at)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

/**
 * The offset `timeZone` has at this wall-clock time. Two passes, because the
 * offset depends on the instant and the instant on the offset; a time that a
 * spring-forward skips takes the offset after the change, like most calendars.
 */
export function offsetInZone(time: LocalTime, timeZone: string): number {
  const wall = instantOf({ ...time, offsetMinutes: 0 });
  const first = zoneOffsetMinutes(timeZone, wall);
  const second = zoneOffsetMinutes(timeZone, wall - first * 60_000);
  return second === first ? first : zoneOffsetMinutes(timeZone, wall - second * 60_000);
}

const formats = new Map<string, Intl.DateTimeFormat>();

// An Intl.DateTimeFormat costs tens of microseconds to build; a catalog has a
// handful of zones, so each is built once.
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}
