// The parts of botbuilder-dialogs the conversations are built from, taken
// from the package's own modules rather than its index. The index also loads
// the prompts (ChoicePrompt, NumberPrompt, DateTimePrompt, ...) and with them
// Microsoft's recognizers-text tables for a dozen languages: about 17 MB of
// heap and 32 MB of RSS in every process, kept for its whole life, for
// prompts this box office never uses (it reads messages itself:
// message.recognizer.ts). Types come from the index: a type import loads
// nothing. `npm run check:layers` keeps the index out of everything else.
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { Dialog, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog.js';
export { runDialog } from 'botbuilder-dialogs/lib/dialogHelper.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export type { DialogContext, DialogState, DialogStateManagerConfiguration, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
