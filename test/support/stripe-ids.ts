// Ids and clocks as Stripe writes them, shared by both halves of the local Stripe server.
import { randomBytes } from 'node:crypto';

/** `cs_test_…`, `pi_…`: a prefix and random letters and digits. */
export function fakeId(prefix: string, length = 24): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `${prefix}_${[...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Stripe's timestamps: epoch seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
