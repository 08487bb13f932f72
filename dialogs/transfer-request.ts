// "send 1 ticket to +1 206 555 0100", "give my tickets to 2065550100",
// "pasale mis boletos a 2065550100": a customer giving tickets to someone by
// their phone number. Read from the raw text, before the recognizer's
// normalizing drops the "+" and the digits of the number become a party size.
import { MAX_MESSAGE_CHARS, normalize } from '../src/catalog/text.normalizer.js';
import { parseOrderId } from '../src/orders/order-id.js';
import { numberOf } from './number-words.js';

export interface TransferRequest {
  /** The recipient in E.164 (+12065550100); undefined when the number written cannot be one. */
  to: string | undefined;
  /** How many tickets, when the message says. */
  quantity?: number;
  /** "my tickets", "them", "all": every ticket of the order. */
  all?: boolean;
  orderId?: string;
}

/** The verbs of giving, in English and Spanish, at a word's start. */
const GIVE = /\b(?:send|give|transfer|forward|pass|gift|enviar|envia|envie|enviale|manda|mandar|mande|mandale|pasa|pasar|pase|pasale|transferir|transfiere|regala|regalar|dale)\b/;
/** A phone number as typed: digits with spaces, dots, dashes and brackets, maybe a leading +. */
const PHONE = /(?<![\d+])\+?\(?\d[\d\s().-]{5,22}\d(?!\d)/g;
const TICKETS = '(?:tickets?|tix|tkts?|seats?|boletos?|entradas?|lugares)';
const COUNT_BEFORE_TICKETS = new RegExp(`\\b(\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a|an|both|all|uno|una|dos|tres|cuatro|ambos|todos)\\s+(?:(?:of\\s+)?(?:my|mis|the|los|las)\\s+)?(?:extra\\s+)?${TICKETS}\\b`);
const COUNT_AFTER_VERB = new RegExp(`${GIVE.source}\\s+(\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|both|all)\\b`);
const ALL_OF_THEM = /\b(?:(?:my|mis|the|los|las)\s+(?:tickets|tix|seats|boletos|entradas|lugares)|them|all|todos)\b/;
/** "my extra ticket", "the ticket": one, named in the singular. */
const ONE_TICKET = /\b(?:my|the|this|mi|el)\s+(?:extra\s+|spare\s+|other\s+)?(?:ticket|seat|boleto|entrada)\b/;
const SPANISH_COUNTS: Readonly<Record<string, number>> = { uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, ambos: 2 };

/** Reads a request to give tickets away; undefined when the message is something else. */
export function readTransfer(text: string): TransferRequest | undefined {
  const raw = text.slice(0, MAX_MESSAGE_CHARS);
  const numbers = [...raw.matchAll(PHONE)].map((match) => match[0]).filter((written) => written.replace(/\D/g, '').length >= 7);
  if (numbers.length === 0) return undefined;
  const orderId = /\b[A-Z]{2}-[A-Z0-9]{4,}\b/i.test(raw) ? parseOrderId(raw) : undefined;
  let words = raw;
  for (const written of numbers) words = words.replace(written, ' ');
  const normalized = normalize(orderId ? words.replace(new RegExp(orderId, 'i'), ' ') : words);
  if (!GIVE.test(normalized) || /\b(?:send|give|envia|manda)\s+me\b/.test(normalized)) return undefined;
  const quantity = countIn(normalized);
  const all = quantity === undefined && (ALL_OF_THEM.test(normalized) || orderId !== undefined || !/\b\d/.test(normalized));
  return {
    to: e164(numbers[0]!),
    ...(quantity !== undefined ? { quantity } : {}),
    ...(all ? { all: true } : {}),
    ...(orderId ? { orderId } : {}),
  };
}

function countIn(normalized: string): number | undefined {
  const word = COUNT_BEFORE_TICKETS.exec(normalized)?.[1] ?? COUNT_AFTER_VERB.exec(normalized)?.[1];
  if (word === undefined) return ONE_TICKET.test(normalized) ? 1 : undefined;
  if (word === 'all' || word === 'todos') return undefined;
  if (word === 'both') return 2;
  const count = numberOf(word) ?? SPANISH_COUNTS[word];
  return count;
}

/**
 * A written number as E.164: with a + as given; ten digits are a North
 * American number (+1), as are eleven starting with 1. Anything else is
 * not a number we can text.
 */
export function e164(written: string): string | undefined {
  const digits = written.replace(/\D/g, '');
  if (written.trim().startsWith('+')) return digits.length >= 8 && digits.length <= 15 && digits[0] !== '0' ? `+${digits}` : undefined;
  if (digits.length === 10 && /^[2-9]/.test(digits)) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1') && /^1[2-9]/.test(digits)) return `+${digits}`;
  return undefined;
}
