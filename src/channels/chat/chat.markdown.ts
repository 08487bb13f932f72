// Chat text as Web Chat and Teams show it. Both read a bot message's text as
// markdown (the Bot Framework default, textFormat 'markdown'), and Web Chat's
// renderer also turns anything that looks like a domain into a link. The
// dialogs and notices write plain sentences, the same ones SMS sends, so this
// is where they become markdown that shows exactly those sentences.
import type { Activity, Middleware, TurnContext } from 'botbuilder';

/** A real link: left as written, so the channel still makes it one. */
const URL = /(https?:\/\/[^\s<>]+)/;

/**
 * Characters that format wherever they stand: emphasis (* _), code (`),
 * strikethrough (~), link brackets ([ ]), HTML and autolinks (<), and the
 * escape character itself.
 */
const INLINE = /[\\`*_~[\]<]/g;

/** An HTML entity ("&copy;", "&#169;"), which markdown would show as the character it names. */
const ENTITY = /&(?=#?\w+;)/g;

/**
 * The dot of a domain-like word: "Crypto.com" is shown as a link to
 * crypto.com by the linkify step of Web Chat's markdown-it. An escaped dot
 * shows as a dot, and linkify, which reads the text between escapes, finds no
 * domain. Only a dot followed by two letters can end a domain, so "e.g." and
 * "$12.50" stay as they are.
 */
const DOMAIN_DOT = /(?<=[\p{L}\p{N}])\.(?=\p{L}{2})/gu;

/** What opens a block at the start of a line: a heading (#), a quote (>), a list item ("- ", "+ ", "1. "). */
const BLOCK_START = /^(\s*)(#|>|[-+](?=\s)|\d+(?=[.)](?:\s|$)))/;

/**
 * The text as markdown that shows it as written: formatting characters and
 * domain-like dots escaped, real URLs left to be links, and every line break
 * kept. A single "\n" is only a space in markdown, so a line followed by
 * another gets the two trailing spaces that make a hard break; a blank line
 * already separates paragraphs.
 */
export function chatMarkdown(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map(escapeLine);
  return lines
    .map((line, i) => {
      const next = lines[i + 1];
      const breaksHere = next !== undefined && line.trim() !== '' && next.trim() !== '';
      return breaksHere ? `${line.trimEnd()}  ` : line;
    })
    .join('\n');
}

function escapeLine(line: string): string {
  const escaped = line
    .split(URL)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(INLINE, '\\$&').replace(ENTITY, '\\&').replace(DOMAIN_DOT, '\\.')))
    .join('');
  return escaped.replace(BLOCK_START, (_all, indent: string, marker: string) =>
    /^\d/.test(marker) ? `${indent}${marker}\\` : `${indent}\\${marker}`,
  );
}

/**
 * The sentence a chat markdown text shows: its escapes undone and its hard
 * breaks back to plain line ends. For a client that prints text rather than
 * rendering markdown (`npm run chat`). Real URLs are never escaped, so
 * undoing every backslash escape gives back what was written.
 */
export function plainFromChatMarkdown(markdown: string): string {
  return markdown.replace(/ {2}$/gm, '').replace(/\\([\\`*_~[\]<&.#>+\-)])/g, '$1');
}

/**
 * Every message the chat adapter sends, replies and proactive notices alike,
 * goes out as chat markdown (chatMarkdown). On the CloudAdapter, which serves
 * chat only: SMS has an adapter of its own and sends the plain text. A message
 * that already says how its text is formatted ('plain', 'xml', or markdown
 * written as such) is left as it is.
 */
export const chatMarkdownMiddleware: Middleware = {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (_context, activities, send) => {
      for (const activity of activities) asChatMarkdown(activity);
      return send();
    });
    await next();
  },
};

function asChatMarkdown(activity: Partial<Activity>): void {
  if (activity.type !== 'message' || typeof activity.text !== 'string' || activity.textFormat) return;
  activity.text = chatMarkdown(activity.text);
  activity.textFormat = 'markdown';
}
