// The scan value on a ticket's QR code (src/tickets/scan-code.ts) and the key
// that signs it (src/tickets/signing-key.ts): a scanner with only the public
// key can check a value offline; a laptop's key is made once and kept.
import { verify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { TicketSigner } from '../src/tickets/scan-code.js';
import { ticketSigningKey } from '../src/tickets/signing-key.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function keyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ticket-key-'));
  dirs.push(dir);
  return join(dir, 'nested', 'ticket-signing-key.pem');
}

describe('the scan value', () => {
  const signer = new TicketSigner(TicketSigner.newPrivateKeyPem());

  it('is the ticket code and a signature a scanner checks with the public key alone', () => {
    const value = signer.scanValue('BX-7K2Q-A12-9F3K');
    const [code, signature] = value.split('.');
    expect(code).toBe('BX-7K2Q-A12-9F3K');
    expect(verify(null, Buffer.from(code!), signer.publicKeyPem(), Buffer.from(signature!, 'base64url'))).toBe(true);
    expect(signer.read(value)).toEqual({ code: 'BX-7K2Q-A12-9F3K', signed: true });
  });

  it('refuses an altered code, another key\'s signature and a cut signature; reads anything unsigned as a typed code', () => {
    const value = signer.scanValue('BX-7K2Q-A12-9F3K');
    expect(signer.read(value.replace('A12', 'A13'))).toBe('forged');
    expect(signer.read(new TicketSigner(TicketSigner.newPrivateKeyPem()).scanValue('BX-7K2Q-A12-9F3K'))).toBe('forged');
    expect(signer.read(value.slice(0, -4))).toBe('forged');
    expect(signer.read(' bx-7k2q-a12-9f3k ')).toEqual({ code: 'BX-7K2Q-A12-9F3K', signed: false });
  });

  it('takes only an Ed25519 key', () => {
    expect(() => loadConfig({ TICKET_SIGNING_KEY: 'not a key' })).toThrow(/^Configuration error: TICKET_SIGNING_KEY must be an Ed25519 private key/);
    const pem = TicketSigner.newPrivateKeyPem();
    expect(loadConfig({ TICKET_SIGNING_KEY: pem }).tickets.signingKey).toBe(pem.trim());
    // One line with \n, as environment files write it.
    expect(new TicketSigner(ticketSigningKey(pem.replace(/\n/g, '\\n'), keyFile(), () => 'unused')).publicKeyPem()).toBe(new TicketSigner(pem).publicKeyPem());
  });
});

describe('the signing key', () => {
  it('is made once under the data folder, readable by its owner only, and the same at every start', () => {
    const file = keyFile();
    const first = ticketSigningKey(undefined, file, TicketSigner.newPrivateKeyPem);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ticketSigningKey(undefined, file, () => 'a second key would be wrong')).toBe(first);
    expect(readFileSync(file, 'utf8')).toBe(first);
  });

  it('is TICKET_SIGNING_KEY when set, and then nothing is written', () => {
    const file = keyFile();
    const configured = TicketSigner.newPrivateKeyPem();
    expect(ticketSigningKey(configured, file, TicketSigner.newPrivateKeyPem)).toBe(configured);
    expect(existsSync(file)).toBe(false);
  });
});
