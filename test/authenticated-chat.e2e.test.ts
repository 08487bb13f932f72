// A Teams user chats with a box office that has a MicrosoftAppId, offline:
// the real CloudAdapter checks each post's token against the channel's
// published keys (BOT_OPENID_METADATA_URL), and signs its replies with a token
// it gets for its app id and password (BOT_LOGIN_URL), both from a local
// stand-in for Microsoft's servers. A gate in front of the local connector
// refuses replies without that token, as the real Bot Connector does.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBotConnector, type BotConnectorServer, type WireActivity } from './support/bot-connector.server.js';
import {
  startBotFrameworkAuthServer,
  startConnectorGate,
  type BotFrameworkAuthServer,
  type ChannelTokenOptions,
  type ConnectorGate,
} from './support/bot-framework-auth.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { chatUser, type ChatUser } from './support/chat-user.js';

const APP_ID = '5e1f0c2a-9d43-4b8e-a7f1-b0c5f1ce0ff1';
const APP_PASSWORD = 'box-office-test-app-password';

let connector: BotConnectorServer;
let auth: BotFrameworkAuthServer;
let gate: ConnectorGate;
let office: BoxOffice;

beforeAll(async () => {
  connector = await startBotConnector();
  auth = await startBotFrameworkAuthServer({ appId: APP_ID, appPassword: APP_PASSWORD, endorsements: ['msteams'] });
  gate = await startConnectorGate(connector.url, auth);
  office = await startBoxOffice({ worker: false, env: auth.env });
});

afterAll(async () => {
  await office?.stop();
  await gate?.close();
  await auth?.close();
  await connector?.close();
});

/** The token the channel puts on one activity (its serviceUrl is a claim), with what the options change. */
function signed(options: Partial<ChannelTokenOptions> = {}): (activity: WireActivity) => string {
  return (activity) => auth.channelToken({ serviceUrl: activity.serviceUrl!, ...options });
}

function teamsUser(token?: (activity: WireActivity) => string, channelId = 'msteams'): ChatUser {
  return chatUser(office.url, connector, undefined, { channelId, serviceUrl: gate.url, ...(token ? { auth: token } : {}) });
}

describe('an authenticated chat channel (Teams)', () => {
  it('answers a post the channel signed, with a reply signed by the bot', async () => {
    const user = teamsUser(signed());

    const [reply, ...more] = await user.say('hi');

    expect(reply?.text).toMatch(/Which event would you like tickets for\?/);
    expect(more).toEqual([]);
    expect(auth.tokenRequests).toContainEqual({ clientId: APP_ID, scope: 'https://api.botframework.com/.default', granted: true });
    expect(gate.refused).toBe(0);
  });

  it.each<[string, ((activity: WireActivity) => string) | undefined, string?]>([
    ['no token', undefined],
    ['a token signed by a key the channel never published', signed({ signer: 'stranger' })],
    ["a token signed by another key under the channel key's id", signed({ signer: 'stranger-same-kid' })],
    ['a token for another bot', signed({ audience: 'another-bots-app-id' })],
    ['a token for another serviceUrl', signed({ serviceUrl: 'https://smba.trafficmanager.net/emea/' })],
    ['an expired token', signed({ expiresIn: -3600 })],
    ['a token from a channel its key is not endorsed for', signed(), 'webchat'],
  ])('refuses a post with %s: 401, and the bot says nothing', async (_case, token, channelId) => {
    // CloudAdapter prints every refused token's error with console.error; it is expected here.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const user = teamsUser(token, channelId);

      expect(await user.post(user.message('hi'))).toBe(401);

      expect(user.received()).toEqual([]);
    } finally {
      quiet.mockRestore();
    }
  });
});
