import type { Activity } from 'botbuilder';

/** What a customer sees of one reply: its text, then chat buttons as [title] and link buttons as [title](url). */
export function shown(activity: Partial<Activity>): string {
  const lines = activity.text ? [activity.text] : [];
  for (const action of activity.suggestedActions?.actions ?? []) lines.push(`[${action.title}]`);
  for (const attachment of activity.attachments ?? []) {
    const buttons = (attachment.content as { buttons?: Array<{ type: string; title: string; value: unknown }> } | undefined)?.buttons ?? [];
    for (const button of buttons) lines.push(button.type === 'openUrl' ? `[${button.title}](${String(button.value)})` : `[${button.title}]`);
  }
  return lines.join('\n');
}
