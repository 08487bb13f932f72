import express, { Router, type Request, type Response } from 'express';
import {
  ActivityTypes,
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type Response as BotResponse,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { BoxOfficeBot } from '../../bot/box-office.bot.js';
import { customerOf, markReceivedOn } from '../../bot/customer.js';
import { rememberClientAddress } from '../../bot/client-address.js';
import type { Config } from '../../config.js';
import { HttpError } from '../../http/errors.js';
import { addressKey, refuseUnsigned, type IpShield } from '../../http/ip-shield.js';
import { overLimitReplies, type SenderLimit } from '../sender-limit.js';
import { CHAT_PATH } from '../../http/paths.js';
import { chatMarkdownMiddleware } from './chat.markdown.js';
import { BotLoginCredentialsFactory } from './bot-login.credentials.js';


/**
 * The Bot Framework adapter, for the web role's turns and the worker's
 * proactive notices alike. With an empty MicrosoftAppId it runs anonymous,
 * which is what the Bot Framework Emulator and `npm run chat` speak. Every
 * message it sends goes out as chat markdown (chat.markdown.ts).
 */
export function createCloudAdapter(botFramework: Config['botFramework'], log: Logger): CloudAdapter {
  const adapter = new CloudAdapter(botFrameworkAuthentication(botFramework));
  adapter.use(chatMarkdownMiddleware);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error({ component: 'chat', conversationId: context.activity.conversation?.id, err: error }, 'chat turn failed');
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a minute.').catch(() => {});
  };
  return adapter;
}

/**
 * Microsoft's public cloud, what botbuilder uses when no endpoint is given
 * (botframework-connector lib/auth/authenticationConstants.js). Give it one
 * and it takes every endpoint as given (BotFrameworkAuthenticationFactory),
 * so the ones BOT_OPENID_METADATA_URL and BOT_LOGIN_URL leave alone are these.
 */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: CallerIdConstants.PublicAzureChannel,
};

/**
 * Who may post to the bot and how it signs its replies. BOT_OPENID_METADATA_URL
 * and BOT_LOGIN_URL (tests, local servers) replace Microsoft's signing keys
 * and login server; the issuer checked stays https://api.botframework.com.
 */
function botFrameworkAuthentication(botFramework: Config['botFramework']): ChannelAuthentication {
  const app = {
    MicrosoftAppId: botFramework.appId,
    MicrosoftAppPassword: botFramework.appPassword,
    MicrosoftAppType: botFramework.appType,
    MicrosoftAppTenantId: botFramework.tenantId,
  };
  const { openIdMetadataUrl, loginUrl } = botFramework;
  if (!openIdMetadataUrl && !loginUrl) return new ChannelAuthentication(app);
  return new ChannelAuthentication(
    {
      ...app,
      ...PUBLIC_CLOUD,
      ...(openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl } : {}),
      ...(loginUrl ? { ToChannelFromBotLoginUrl: loginUrl } : {}),
    },
    // MSAL takes no http:// login server (bot-login.credentials.ts).
    loginUrl ? new BotLoginCredentialsFactory(botFramework.appId, botFramework.appPassword) : undefined,
  );
}

/** The body CloudAdapter answers with when ChannelAuthentication refused a token; the route makes it a 401. */
const TOKEN_NOT_VERIFIED = 'The Bot Framework token does not verify against its signing key.';

/**
 * botbuilder's own checks, but a token that names a published signing key
 * and still fails jsonwebtoken's verify (a forged signature, a disallowed
 * algorithm, a future nbf) is refused like every other bad token: botbuilder
 * lets that error escape its AuthenticationError, and CloudAdapter would
 * answer 500 (JwtTokenExtractor.validateToken in botframework-connector).
 */
class ChannelAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      const name = (err as Error | undefined)?.name;
      throw name === 'JsonWebTokenError' || name === 'NotBeforeError' ? new Error(TOKEN_NOT_VERIFIED, { cause: err }) : err;
    }
  }
}

export interface ChatRouteDeps {
  adapter: CloudAdapter;
  bot: BoxOfficeBot;
  /** Messages per chat user: over it, no bot turn. */
  senders: SenderLimit;
  /** Counts requests whose Bot Framework token fails, per IP: past its limit they get 429. */
  badSignatures?: IpShield;
  /**
   * No MicrosoftAppId: any client may write under any fresh user id, so the
   * client's address goes with the turn, for the per-address hold budget.
   */
  anonymous?: boolean;
}

/** `POST /api/messages`: Web Chat, Teams, the Emulator. CloudAdapter checks the caller's token. */
export function chatRoutes(deps: ChatRouteDeps): Router {
  const router = Router();
  router.post(CHAT_PATH, express.json({ limit: '256kb' }), async (req, res) => {
    // CloudAdapter throws a bare Error, outside its own error handling, on a body without a type.
    if (!hasActivityType(req.body)) throw new HttpError(400, NOT_AN_ACTIVITY, 'malformed_activity');
    const answer = new AdapterAnswer(res);
    await deps.adapter.process(req, answer, (context) => turn(deps, context, req.ip));
    if (answer.error) refuse(deps, req, res, answer.error);
  });
  return router;
}

/**
 * The sender's rate is checked once the adapter has checked the token, so the
 * user id it counts is the one the channel vouches for. Only messages count:
 * typing indicators and conversation updates are the client's, not the user's.
 */
async function turn(deps: ChatRouteDeps, context: TurnContext, ip: string | undefined): Promise<void> {
  // Whatever channelId the activity claims ("sms" included), this route's turns are chat.
  markReceivedOn(context, 'chat');
  if (deps.anonymous) rememberClientAddress(context, addressKey(ip));
  if (context.activity.type === ActivityTypes.Message) {
    const { channel, address } = customerOf(context);
    const replies = overLimitReplies(await deps.senders.count(channel, address));
    if (replies) {
      for (const text of replies) await context.sendActivity(text);
      return;
    }
  }
  await deps.bot.run(context);
}

/**
 * Answers what CloudAdapter refused, as every other route does: JSON, and no
 * internal message (the adapter would send an exception's message as the
 * body). A failed token check counts against the caller's address.
 */
function refuse(deps: ChatRouteDeps, req: Request, res: Response, error: { status: number; body?: unknown }): void {
  if (error.status === 401 || error.body === TOKEN_NOT_VERIFIED) {
    refuseUnsigned(deps.badSignatures, req, res, () => res.status(401).json({ error: 'unauthorized', message: 'The Bot Framework token is missing or not valid.' }));
    return;
  }
  if (error.status >= 500) throw new Error(`the Bot Framework adapter answered ${error.status}: ${String(error.body ?? '')}`);
  throw new HttpError(error.status, NOT_AN_ACTIVITY, 'malformed_activity');
}

const NOT_AN_ACTIVITY = 'The request body is not a Bot Framework activity.';

function hasActivityType(body: unknown): boolean {
  const type = (body as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' && type !== '';
}

/**
 * The response CloudAdapter writes to: a success goes straight to the client;
 * an error status (and the body that comes with it) is held back in `error`
 * for the route to answer.
 */
class AdapterAnswer implements BotResponse {
  error?: { status: number; body?: unknown };

  constructor(private readonly res: Response) {}

  get socket(): unknown {
    return this.res.socket;
  }

  header(name: string, value: unknown): void {
    if (!this.error) this.res.header(name, String(value));
  }

  status(code: number): void {
    if (code >= 400) this.error = { status: code };
    else this.res.status(code);
  }

  send(body?: unknown): void {
    if (this.error) this.error.body = body;
    else this.res.send(body);
  }

  end(): void {
    if (!this.error && !this.res.writableEnded) this.res.end();
  }
}
