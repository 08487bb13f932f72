import express, { Router } from 'express';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { BoxOfficeBot } from '../../bot/box-office.bot.js';
import type { Config } from '../../config.js';

export const CHAT_PATH = '/api/messages';

/**
 * The Bot Framework adapter. With an empty MicrosoftAppId it runs anonymous,
 * which is what the Bot Framework Emulator and `npm run chat` speak.
 */
export function createCloudAdapter(botFramework: Config['botFramework'], log: Logger): CloudAdapter {
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: botFramework.appId,
      MicrosoftAppPassword: botFramework.appPassword,
      MicrosoftAppType: botFramework.appType,
      MicrosoftAppTenantId: botFramework.tenantId,
    }),
  );
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error({ component: 'chat', conversationId: context.activity.conversation?.id, err: error }, 'chat turn failed');
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a minute.').catch(() => {});
  };
  return adapter;
}

/** `POST /api/messages`: Web Chat, Teams, the Emulator. CloudAdapter checks the caller's token. */
export function chatRoutes(deps: { adapter: CloudAdapter; bot: BoxOfficeBot }): Router {
  const router = Router();
  router.post(CHAT_PATH, express.json({ limit: '256kb' }), async (req, res) => {
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });
  return router;
}
