// Reading /metrics as Prometheus would: a strict parser of the text format
// (https://prometheus.io/docs/instrumenting/exposition_formats/), so a
// malformed line fails the test instead of being skipped.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family name → its TYPE. */
  types: Map<string, string>;
  help: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses an exposition; throws naming the first line that is not valid. */
export function parseExposition(text: string): Exposition {
  const exposition: Exposition = { samples: [], types: new Map(), help: new Map() };
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const fail = (why: string) => new Error(`line ${index + 1} ${why}: ${JSON.stringify(line)}`);
    if (line.startsWith('#')) {
      const comment = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
      if (!comment) throw fail('is not a HELP or TYPE comment');
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      if (kind === 'TYPE' && !TYPES.has(rest)) throw fail('has an unknown type');
      exposition[kind === 'TYPE' ? 'types' : 'help'].set(name, rest);
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw fail('is not a sample');
    const [, name, labelText = '', valueText] = match as unknown as [string, string, string | undefined, string];
    const value = parseValue(valueText);
    if (value === undefined) throw fail('has a value that is not a number');
    exposition.samples.push({ name, labels: parseLabels(labelText, fail), value });
  }
  return exposition;
}

/**
 * A sample value as Prometheus reads it (Go's strconv.ParseFloat): a number,
 * or NaN and ±Inf in any letter case (prom-client writes NaN as "Nan").
 */
function parseValue(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (special) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  return text.trim() !== '' && !Number.isNaN(value) ? value : undefined;
}

function parseLabels(text: string, fail: (why: string) => Error): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) throw fail('has malformed labels');
    labels[match[1]!] = match[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
  }
  return labels;
}

/** GET /metrics and parse it. */
export async function scrape(baseUrl: string): Promise<Exposition> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return parseExposition(await response.text());
}

/** The value of the one sample of `name` with exactly these labels; undefined if there is none. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels);
  const found = exposition.samples.filter(
    (sample) => sample.name === name && wanted.length === Object.keys(sample.labels).length && wanted.every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Like sampleValue, but a counter not yet seen is 0 (prom-client leaves out label sets never incremented). */
export function counterValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return sampleValue(exposition, name, labels) ?? 0;
}
