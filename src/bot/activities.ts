import { ActionTypes, CardFactory, MessageFactory, type Activity, type Attachment } from 'botbuilder';

/**
 * A message with an optional link. On chat the link is a button on a card; the
 * SMS adapter flattens the card back into text (see sms.adapter.ts), so the
 * dialogs build one activity for every channel.
 */
export function linkMessage(text: string, link?: { title: string; url: string }): Partial<Activity> {
  if (!link) return MessageFactory.text(text);
  const card = CardFactory.heroCard('', undefined, [{ type: ActionTypes.OpenUrl, title: link.title, value: link.url }]);
  return MessageFactory.attachment(card, text);
}

/** The URLs of a card's open-URL buttons, for channels that can only show text. */
export function linksIn(attachments: Attachment[] | undefined): string[] {
  const urls: string[] = [];
  for (const attachment of attachments ?? []) {
    const buttons = (attachment.content as { buttons?: Array<{ type?: string; value?: unknown }> } | undefined)?.buttons ?? [];
    for (const button of buttons) {
      if (button.type === ActionTypes.OpenUrl && typeof button.value === 'string') urls.push(button.value);
    }
  }
  return urls;
}
