// The bot's outbound token (the Bearer it sends to the channel's serviceUrl)
// from a login server named by BOT_LOGIN_URL, for tests and local servers.
//
// Why not botbuilder's own path: for any login URL but Microsoft's,
// PasswordServiceClientCredentialFactory still hands the request to MSAL
// (msal-node ConfidentialClientApplication), and MSAL refuses an authority
// that is not https:// (`authority_uri_insecure`) and looks unknown hosts up
// at login.microsoftonline.com (instance discovery). So with BOT_LOGIN_URL set
// this factory makes MSAL's one request itself: the OAuth 2.0 client
// credentials grant on Azure AD's v2 token endpoint,
//   POST {BOT_LOGIN_URL}/oauth2/v2.0/token
//   grant_type=client_credentials&client_id=<app id>&client_secret=<password>&scope=<audience>/.default
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
// Everything else (which app ids are valid, anonymous mode) stays botbuilder's.
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';

type ServiceClientCredentials = Awaited<ReturnType<ConfigurationServiceClientCredentialFactory['createCredentials']>>;
type OutboundRequest = Parameters<ServiceClientCredentials['signRequest']>[0];

/** A token is fetched again this long before it expires, as botbuilder's AppCredentials does. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

export class BotLoginCredentialsFactory extends ConfigurationServiceClientCredentialFactory {
  readonly #appId: string;
  readonly #appPassword: string;
  /** One token per login URL and scope, shared by every reply and proactive message. */
  readonly #tokens = new Map<string, Promise<CachedToken>>();

  constructor(appId: string, appPassword: string) {
    super({ MicrosoftAppId: appId, MicrosoftAppPassword: appPassword, MicrosoftAppType: 'MultiTenant' });
    this.#appId = appId;
    this.#appPassword = appPassword;
  }

  /** `loginEndpoint` is BOT_LOGIN_URL (ToChannelFromBotLoginUrl); `audience` the channel's scope, https://api.botframework.com. */
  override async createCredentials(appId: string, audience: string, loginEndpoint: string, validateAuthority: boolean): Promise<ServiceClientCredentials> {
    if (await this.isAuthenticationDisabled()) return super.createCredentials(appId, audience, loginEndpoint, validateAuthority);
    if (!(await this.isValidAppId(appId))) throw new Error('Invalid appId.');
    const resource = audience || 'https://api.botframework.com';
    const scope = resource.endsWith('/.default') ? resource : `${resource}/.default`;
    return {
      signRequest: async (request: OutboundRequest) => {
        request.headers.set('authorization', `Bearer ${await this.#token(loginEndpoint, scope)}`);
        return request;
      },
    };
  }

  async #token(loginUrl: string, scope: string): Promise<string> {
    const key = `${loginUrl} ${scope}`;
    const cached = this.#tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt - REFRESH_MARGIN_MS > Date.now()) return token.accessToken;
    }
    const fresh = this.#requestToken(loginUrl, scope);
    this.#tokens.set(key, fresh);
    // A failed request is not kept: the next message asks again.
    fresh.catch(() => this.#tokens.get(key) === fresh && this.#tokens.delete(key));
    return (await fresh).accessToken;
  }

  async #requestToken(loginUrl: string, scope: string): Promise<CachedToken> {
    const url = `${loginUrl.replace(/\/+$/, '')}/oauth2/v2.0/token`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.#appId, client_secret: this.#appPassword, scope }),
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`the bot's login server at ${url} answered ${response.status}`);
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') throw new Error(`the bot's login server at ${url} sent no access_token`);
    return { accessToken: body.access_token, expiresAt: Date.now() + Number(body.expires_in ?? 0) * 1000 };
  }
}
