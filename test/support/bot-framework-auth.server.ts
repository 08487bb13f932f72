// Microsoft's side of Bot Framework authentication, on 127.0.0.1, so an
// authenticated box office (a MicrosoftAppId) is tested through the real
// CloudAdapter and its real token checks:
//   GET  /v1/.well-known/openidconfiguration   the channel's OpenID metadata (BOT_OPENID_METADATA_URL)
//   GET  /v1/.well-known/keys                  its JWKS: one RSA key, with the channels it endorses
//   POST /botframework.com/oauth2/v2.0/token   the bot's client-credentials token for replies (BOT_LOGIN_URL)
// and startConnectorGate(): what the real Bot Connector does with that token,
// refusing a reply without it.
// The channel's tokens, as the Bot Framework signs them to the bot:
// https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication#bot-connector-to-bot
import { generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, closeServer } from './local-server.js';

/** The issuer CloudAdapter accepts from a channel (AuthenticationConstants.ToBotFromChannelTokenIssuer). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** The audience of the bot's own token, the scope it asks for (ToChannelFromBotOAuthScope). */
const CONNECTOR_AUDIENCE = 'https://api.botframework.com';
/** Azure AD's issuer for tokens of the botframework.com tenant. */
const LOGIN_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';
const TOKEN_PATH = '/botframework.com/oauth2/v2.0/token';

export interface BotFrameworkAuthOptions {
  /** The bot's registration: the only client the token endpoint serves, the audience of channel tokens. */
  appId: string;
  appPassword: string;
  /** Channels the signing key may speak for (its JWKS `endorsements`). @default ['msteams'] */
  endorsements?: string[];
}

export interface ChannelTokenOptions {
  /** Must equal the activity's serviceUrl: CloudAdapter compares it with the `serviceurl` claim. */
  serviceUrl: string;
  /** @default the app id */
  audience?: string;
  /**
   * 'stranger': signed with a key this server never publishes, under a key
   * id of its own ('stranger-same-kid': under the channel key's id).
   * @default 'channel'
   */
  signer?: 'channel' | 'stranger' | 'stranger-same-kid';
  /** Seconds until it expires. @default 3600 */
  expiresIn?: number;
}

/** A token request the bot made, as received. */
export interface TokenRequest {
  clientId: string;
  scope: string;
  /** False when the credentials or the grant were wrong (answered 401/400). */
  granted: boolean;
}

export interface BotFrameworkAuthServer {
  /** BOT_OPENID_METADATA_URL */
  openIdMetadataUrl: string;
  /** BOT_LOGIN_URL */
  loginUrl: string;
  /** What a box office needs to use this server: the bot's app id and password, and the two URLs above. */
  env: Record<string, string>;
  /** The Bearer token a channel would send with an activity to the bot. */
  channelToken(options: ChannelTokenOptions): string;
  /** Every request the bot made to the token endpoint. */
  tokenRequests: TokenRequest[];
  /** Whether an Authorization header carries a token this server issued to the bot, still valid. */
  isBotToken(authorization: string | undefined): boolean;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newKey(kid = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

export async function startBotFrameworkAuthServer(options: BotFrameworkAuthOptions): Promise<BotFrameworkAuthServer> {
  const channelKey = newKey();
  const loginKey = newKey();
  const tokenRequests: TokenRequest[] = [];
  const endorsements = options.endorsements ?? ['msteams'];
  let url = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: 'server_error', error_description: String(err) }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://auth').pathname;
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      return sendJson(res, 200, {
        issuer: CHANNEL_ISSUER,
        authorization_endpoint: `${url}/v1/.well-known/authorize`,
        jwks_uri: `${url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && path === '/v1/.well-known/keys') {
      return sendJson(res, 200, { keys: [{ ...publicJwk(channelKey), endorsements }] });
    }
    if (req.method === 'POST' && path === TOKEN_PATH) {
      const form = new URLSearchParams(await readBody(req));
      const request = { clientId: form.get('client_id') ?? '', scope: form.get('scope') ?? '', granted: false };
      tokenRequests.push(request);
      if (form.get('grant_type') !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' });
      if (request.clientId !== options.appId || form.get('client_secret') !== options.appPassword) return sendJson(res, 401, { error: 'invalid_client' });
      if (request.scope !== `${CONNECTOR_AUDIENCE}/.default`) return sendJson(res, 400, { error: 'invalid_scope' });
      request.granted = true;
      const now = Math.floor(Date.now() / 1000);
      const accessToken = signJwt(loginKey, { iss: LOGIN_ISSUER, aud: CONNECTOR_AUDIENCE, appid: options.appId, ver: '1.0', iat: now, nbf: now, exp: now + 3600 });
      return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
    }
    sendJson(res, 404, { error: 'not_found', error_description: `${req.method} ${path}` });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stranger = newKey();

  const openIdMetadataUrl = `${url}/v1/.well-known/openidconfiguration`;
  const loginUrl = `${url}/botframework.com`;
  return {
    openIdMetadataUrl,
    loginUrl,
    env: { MicrosoftAppId: options.appId, MicrosoftAppPassword: options.appPassword, BOT_OPENID_METADATA_URL: openIdMetadataUrl, BOT_LOGIN_URL: loginUrl },
    tokenRequests,
    channelToken({ serviceUrl, audience = options.appId, signer = 'channel', expiresIn = 3600 }) {
      const key = signer === 'channel' ? channelKey : signer === 'stranger' ? stranger : { ...stranger, kid: channelKey.kid };
      const now = Math.floor(Date.now() / 1000);
      return signJwt(key, { iss: CHANNEL_ISSUER, aud: audience, serviceurl: serviceUrl, iat: now, nbf: now, exp: now + expiresIn });
    },
    isBotToken(authorization) {
      const claims = verifiedClaims(authorization?.replace(/^Bearer /, '') ?? '', loginKey);
      return claims?.iss === LOGIN_ISSUER && claims.aud === CONNECTOR_AUDIENCE && claims.appid === options.appId && Number(claims.exp) > Date.now() / 1000;
    },
    close: () => closeServer(server),
  };
}

export interface ConnectorGate {
  /** The serviceUrl to put on activities: replies go through the gate to the connector. */
  url: string;
  /** Requests refused for want of the bot's token. */
  refused: number;
  close(): Promise<void>;
}

/**
 * Stands in front of the local connector as the real Bot Connector does:
 * a call without the bot's token from `auth` gets 401 and never arrives.
 */
export async function startConnectorGate(connectorUrl: string, auth: BotFrameworkAuthServer): Promise<ConnectorGate> {
  const gate = { url: '', refused: 0, close: () => closeServer(server) };
  const server = createServer((req, res) => {
    forward(req, res).catch((err: unknown) => sendJson(res, 502, { error: { code: 'BadGateway', message: String(err) } }));
  });
  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!auth.isBotToken(req.headers.authorization)) {
      gate.refused += 1;
      return sendJson(res, 401, { error: { code: 'Unauthorized', message: 'The bot token is missing or not valid.' } });
    }
    const body = await readBody(req);
    const answer = await fetch(`${connectorUrl}${req.url ?? '/'}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      ...(body ? { body } : {}),
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(await answer.text());
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gate;
}

// --- JWT, RS256, with node:crypto (https://www.rfc-editor.org/rfc/rfc7515)

function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.kid };
  const input = `${base64url(header)}.${base64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

function verifiedClaims(token: string, key: SigningKey): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  if (!verify('sha256', Buffer.from(`${header}.${payload}`), key.publicKey, Buffer.from(signature, 'base64url'))) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function publicJwk(key: SigningKey) {
  const { n, e } = key.publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n, e };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

