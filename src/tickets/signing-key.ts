import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The ticket signing key: TICKET_SIGNING_KEY (an Ed25519 private key, PEM)
 * when set; otherwise the one kept at `file`, made there on first use, so a
 * laptop's codes stay valid across restarts and every process of one machine
 * signs alike. Production requires the variable (config.ts): a key made inside
 * a container would be lost, and every ticket with it.
 */
export function ticketSigningKey(configured: string | undefined, file: string, newKey: () => string): string {
  if (configured) return configured.replace(/\\n/g, '\n');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dirname(file), { recursive: true });
  const pem = newKey();
  // Written whole under another name, then linked into place: link never
  // replaces a file, so of two processes starting at once one key wins, and
  // neither can read the other's half-written file.
  const draft = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(draft, pem, { mode: 0o600 });
  try {
    linkSync(draft, file);
    return pem;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFileSync(file, 'utf8');
  } finally {
    unlinkSync(draft);
  }
}
