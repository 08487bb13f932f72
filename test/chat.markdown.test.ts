// What the chat text formatter makes of the bot's plain sentences. Web Chat
// and Teams read bot text as markdown, and Web Chat's markdown-it (linkify on)
// links anything domain-like. The rules below were checked by rendering their
// output with markdown-it 14 ({ linkify: true, typographer: true, html: false },
// Web Chat's options): an escaped dot shows as a dot and is never linked, a
// URL stays a link, "  \n" is a <br>, and escaped characters show as written.
import { describe, expect, it } from 'vitest';
import { CHAT_WELCOME } from '../src/bot/box-office.bot.js';
import { chatMarkdown, plainFromChatMarkdown } from '../src/channels/chat/chat.markdown.js';

describe('chat markdown', () => {
  it('escapes the dot of a domain-like word, so "Crypto.com Arena" is not a link to crypto.com', () => {
    expect(chatMarkdown('Lakers vs Warriors, Sat Dec 5, 7:30pm, Crypto.com Arena, Los Angeles: $400 for 2.')).toBe(
      'Lakers vs Warriors, Sat Dec 5, 7:30pm, Crypto\\.com Arena, Los Angeles: $400 for 2.',
    );
    expect(chatMarkdown('www.example.com or foo@bar.co')).toBe('www\\.example\\.com or foo@bar\\.co');
  });

  it('leaves real URLs as they are written, so they stay links', () => {
    const payUrl = 'https://tickets.example.test/p/BX-7K2Q/a_B-c_d.ef~gh';
    const stripeUrl = 'https://checkout.stripe.com/c/pay/cs_test_a1B2_c3#fidkdWxOYHwnPyd1blpx';
    expect(chatMarkdown(`Pay here: ${payUrl} or text CANCEL to let them go.`)).toBe(`Pay here: ${payUrl} or text CANCEL to let them go.`);
    expect(chatMarkdown(`Crypto.com: ${stripeUrl}\nSee crypto.com`)).toBe(`Crypto\\.com: ${stripeUrl}  \nSee crypto\\.com`);
  });

  it('keeps every line break: a line followed by another ends in a hard break', () => {
    expect(chatMarkdown('Paid, thank you!\nYour tickets: BX-7K2Q-A3-9F3K\nShow this message at the door.')).toBe(
      'Paid, thank you!  \nYour tickets: BX-7K2Q-A3-9F3K  \nShow this message at the door.',
    );
    // Spaces already at a line's end, and Windows line ends, come out the same.
    expect(chatMarkdown('one \r\ntwo')).toBe('one  \ntwo');
    // A blank line already separates paragraphs.
    expect(chatMarkdown('one\n\ntwo\n')).toBe('one\n\ntwo\n');
  });

  it('escapes what would format: emphasis, code, strikethrough, links, HTML and entities', () => {
    expect(chatMarkdown('Sorry, "*free* _tix_ `x` ~~no~~ [a](b) <b>hi</b> &copy; a\\b" isn\'t on sale here.')).toBe(
      'Sorry, "\\*free\\* \\_tix\\_ \\`x\\` \\~\\~no\\~\\~ \\[a\\](b) \\<b>hi\\</b> \\&copy; a\\\\b" isn\'t on sale here.',
    );
  });

  it('escapes what would start a heading, a quote or a list at the start of a line', () => {
    expect(chatMarkdown('# 1\n> 2\n- 3\n+ 4\n1. 5\n2) 6\n  - 7')).toBe('\\# 1  \n\\> 2  \n\\- 3  \n\\+ 4  \n1\\. 5  \n2\\) 6  \n  \\- 7');
    // Not a list: no space after the marker, or a number that is not one.
    expect(chatMarkdown('-5 degrees\n3 tickets\n2026.')).toBe('-5 degrees  \n3 tickets  \n2026\\.');
  });

  it('leaves ordinary sentences exactly as they are', () => {
    for (const text of [
      CHAT_WELCOME,
      'Hi! e.g. "2 tickets" for $12.50, 7:30pm, row A, seats 3-4 (1-8). p.m.',
      'Order BX-7K2Q is cancelled and the seats are released. No payment was taken.',
      '¿Cuántas entradas? (1-8)',
    ]) {
      expect(chatMarkdown(text)).toBe(text);
    }
  });
});

describe('plainFromChatMarkdown', () => {
  it('gives back the sentence a chat markdown text shows, for a terminal', () => {
    for (const text of [
      'Holding Section 101 for Lakers vs Warriors, Crypto.com Arena, Los Angeles: $400 for 2.\nPay: https://tickets.example.test/p/BX-7K2Q/abc_def',
      'Paid, thank you!\nYour tickets: BX-1-A1, BX-1-A2\n\nShow this message at the door.',
      '# 1 *fan* [vip] <3 ~x~ `y` a_b & &copy; 2. e.g. $12.50 - + > \\',
    ]) {
      expect(plainFromChatMarkdown(chatMarkdown(text))).toBe(text);
    }
  });
});
