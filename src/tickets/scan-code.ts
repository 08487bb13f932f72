import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * What a ticket's QR code carries: `<ticket code>.<Ed25519 signature of it,
 * base64url>`. A made-up or altered code fails the signature without a
 * lookup, and a scanner holding only the public key can check it offline.
 * The ticket code alone (what the ticket text shows) is still accepted at a
 * door without a camera: it is looked up instead.
 */
export class TicketSigner {
  readonly #privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(privateKeyPem: string) {
    this.#privateKey = createPrivateKey(privateKeyPem);
    if (this.#privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the ticket signing key must be an Ed25519 private key');
    this.publicKey = createPublicKey(this.#privateKey);
  }

  /** A new key pair's private key, PEM (PKCS#8): for a laptop start, and for `npm run`-less set-up of a deploy. */
  static newPrivateKeyPem(): string {
    return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  scanValue(ticketCode: string): string {
    return `${ticketCode}.${sign(null, Buffer.from(ticketCode), this.#privateKey).toString('base64url')}`;
  }

  /** The public key as a scanner would be given it (SPKI PEM). */
  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * Reads what a door scanned or typed: a signed value gives its ticket code
   * once the signature holds ('forged' when it does not); anything without a
   * signature is a typed code, to be looked up.
   */
  read(value: string): { code: string; signed: boolean } | 'forged' {
    const text = value.trim();
    const dot = text.lastIndexOf('.');
    if (dot < 0) return { code: text.toUpperCase(), signed: false };
    const code = text.slice(0, dot);
    const signature = Buffer.from(text.slice(dot + 1), 'base64url');
    if (signature.length !== 64) return 'forged';
    return verify(null, Buffer.from(code), this.publicKey, signature) ? { code, signed: true } : 'forged';
  }
}
