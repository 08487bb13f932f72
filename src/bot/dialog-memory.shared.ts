// botbuilder-dialogs gives every dialog context (several a turn: one per
// component dialog and waterfall step) a DialogStateManager, whose memory
// scopes and path resolvers it builds from the registered bot components,
// unless the turn already carries them under this key: that is how it shares
// them between the contexts of one turn (botbuilder-dialogs 4.23,
// lib/memory/dialogStateManager.js). Building them again for every turn was
// about 3% of an SMS turn's CPU. The scopes and resolvers keep no state of
// their own (each reads the dialog context it is handed), and the set never
// changes after start-up, so the set the first turn built serves every turn
// after it. Should the key ever change, every turn simply builds its own again.
import type { TurnContext } from 'botbuilder';
import type { DialogStateManagerConfiguration } from '../../dialogs/dialog-kit.js';

const TURN_STATE_KEY = 'DialogStateManagerConfiguration';

/** Memory scopes and path resolvers for dialog state, built on the first turn and lent to every later one. */
export class SharedDialogMemory {
  #configuration: DialogStateManagerConfiguration | undefined;

  /** Runs one turn's dialogs with the shared scopes (once there are some), keeping the first set its dialogs build. */
  async around(context: TurnContext, runDialogs: () => Promise<void>): Promise<void> {
    if (this.#configuration) context.turnState.set(TURN_STATE_KEY, this.#configuration);
    await runDialogs();
    this.#configuration ??= context.turnState.get(TURN_STATE_KEY) as DialogStateManagerConfiguration | undefined;
  }
}
