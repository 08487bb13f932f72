import { ActionTypes, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { isSms } from '../src/bot/customer.js';
import { normalize } from '../src/catalog/text.normalizer.js';

/** One option offered to the customer; `value` is ours, `title` is what they see. */
export interface Choice<T = string> {
  title: string;
  value: T;
}

/**
 * A question with options: numbered lines on SMS ("1) Section 101 - $200"),
 * suggested-action buttons on chat. Chat buttons send their title back, so
 * both a number and the title are understood by pickChoice.
 */
export function choiceMessage(context: TurnContext, text: string, choices: Choice<unknown>[]): Partial<Activity> {
  if (isSms(context)) {
    return MessageFactory.text(`${text}\n${choices.map((choice, i) => `${i + 1}) ${choice.title}`).join('\n')}`);
  }
  return MessageFactory.suggestedActions(
    choices.map((choice) => ({ type: ActionTypes.ImBack, title: choice.title, value: choice.title })),
    text,
  );
}

/** The option the customer picked, by number ("2") or by its title (a chat button). */
export function pickChoice<T>(text: string, bareNumber: number | undefined, choices: Choice<T>[] | undefined): T | undefined {
  if (!choices?.length) return undefined;
  if (bareNumber !== undefined) return choices[bareNumber - 1]?.value;
  const said = normalize(text);
  return choices.find((choice) => normalize(choice.title) === said)?.value;
}
