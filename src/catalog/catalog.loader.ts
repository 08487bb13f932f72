// Reads the events file named by CATALOG_PATH once, at start-up. A bad file
// stops the process with one line that names the file and the field, because
// an operator reading a crash log should not have to decode a zod dump.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { catalogSchema } from './catalog.schema.js';
import { EventCatalog } from './event-catalog.js';
import { rollForward } from './roll-forward.js';

/** The catalog cannot be used. `message` is one line: `<file>: <field>: <problem>`. */
export class CatalogError extends Error {
  constructor(
    message: string,
    /** Every problem found, one line each, the first of which is in `message`. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}

/**
 * Reads, parses and validates a catalog file. Throws CatalogError. `now` is
 * the clock a sample catalog (`"rollForward": true`) is dated against.
 */
export function loadCatalog(path: string, now: Date): EventCatalog {
  const source = displayPath(path);
  return parseCatalog(parseJson(readCatalogFile(path, source), source), source, now);
}

/**
 * Validates an already-parsed catalog. `source` names it in error messages
 * (a file path, or anything a test likes).
 */
export function parseCatalog(json: unknown, source: string, now: Date): EventCatalog {
  const result = catalogSchema.safeParse(json);
  if (result.success) return new EventCatalog(rollForward(result.data, now));
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue).map((line) => `${source}: ${line}`));
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new CatalogError(`${problems[0]}${more}`, problems);
}

/** Paths inside the working folder are shown relative, as an operator typed them. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function readCatalogFile(path: string, source: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatalogError(`${source}: ${readFailure(err)}`);
  }
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'catalog file not found (set CATALOG_PATH to an events JSON file)';
  if (code === 'EISDIR') return 'is a folder, not a catalog file (set CATALOG_PATH to an events JSON file)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read the catalog file: permission denied';
  return `cannot read the catalog file: ${(err as Error).message}`;
}

function parseJson(text: string, source: string): unknown {
  // A UTF-8 byte order mark is legal in a file but not in JSON.parse input.
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new CatalogError(`${source}: the catalog file is empty (expected JSON like { "events": [...] })`);
  try {
    return JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    throw new CatalogError(`${source}: invalid JSON${jsonErrorPlace(body, message)}: ${jsonErrorReason(message)}`);
  }
}

/** " at line L, column C" of the first bad character, when it can be found. */
function jsonErrorPlace(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  if (position) return placeOf(text, Number(position[1]));
  if (/end of JSON input/i.test(message)) return placeOf(text, text.length);
  const offset = firstBadOffset(text);
  return offset === undefined ? '' : placeOf(text, offset);
}

// Node 20's "Unexpected token" message gives no position. A prefix of the text
// that stops before the bad character fails only with "end of input", one that
// includes it fails at it, so a binary search over prefixes finds it in
// O(log n) parses. This runs once, on a start-up that is failing anyway.
function firstBadOffset(text: string): number | undefined {
  if (!failsBeforeItsEnd(text)) return undefined;
  let low = 1;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsBeforeItsEnd(text.slice(0, mid))) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}

function failsBeforeItsEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (err) {
    const message = (err as Error).message;
    if (/end of JSON input/i.test(message)) return false;
    const position = /at position (\d+)/.exec(message);
    return !position || Number(position[1]) < prefix.length;
  }
}

function placeOf(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return ` at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** V8's reason without the place (reported separately) or a quote of the whole file. */
function jsonErrorReason(message: string): string {
  return (
    message
      .replace(/,? ".*" is not valid JSON$/s, '')
      .replace(/\s*in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
      .replace(/\s+/g, ' ')
      .trim() || 'not valid JSON'
  );
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  // Unknown keys are reported at the object; name each key as the field instead.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${fieldPath([...issue.path, key])}: unknown field (check the spelling)`);
  }
  const path = fieldPath(issue.path);
  return [path ? `${path}: ${issue.message}` : issue.message];
}

/** `events[0].sections[1].rows.A` from zod's ['events', 0, 'sections', 1, 'rows', 'A']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (/^[A-Za-z_$][\w$]*$/.test(name) || /^\d+$/.test(name)) return out ? `${out}.${name}` : name;
    return `${out}[${JSON.stringify(name)}]`;
  }, '');
}
