// The rest of the surface: pay links with wrong secrets, the staff API with
// and without its token, the queue board with malformed queries, health and
// metrics, and routes that do not exist.
import { BENCH } from '../box-office.process.js';
import { hostileText } from './hostile-text.js';
import { forwardedFor, jsonRequest, oversized, segment, type FuzzRequest, type FuzzWorld } from './fuzz.request.js';
import type { Prng } from './prng.js';

const QUEUES = ['payment-events', 'notifications', 'sms-outbound', 'maintenance', 'nope', '%2e%2e', 'x'.repeat(300)];
const JOB_STATES = ['active', 'waiting', 'completed', 'failed', 'delayed', 'paused', 'prioritized', 'waiting-children', 'latest', 'x', ''];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/** GET /p/<order>/<secret>: mostly real orders with the wrong secret; a few with the right one. */
export function payLink(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  const known = world.links.pick(rng);
  const [variant, path] = rng.weighted<[string, string]>([
    [35, ['real order, wrong secret', `/p/${known?.orderId ?? 'BX-AAAA'}/${rng.chars(22)}`]],
    [10, ['real order, right secret', `/p/${known?.orderId ?? 'BX-AAAA'}/${known?.secret ?? rng.chars(22)}${rng.pick(['', '?paid=1', '?back=1', '?paid=1&back=1'])}`]],
    [10, ['real order, wrong secret, ?paid=1', `/p/${known?.orderId ?? 'BX-AAAA'}/${rng.chars(22)}?paid=1`]],
    [10, ['real order, no secret', `/p/${known?.orderId ?? 'BX-AAAA'}${rng.pick(['', '/', '?paid=1'])}`]],
    [20, ['guessed order', `/p/BX-${rng.chars(4, 'ABCDEFGHJKMNPQRSTVWXYZ23456789')}/${rng.chars(rng.int(0, 30))}`]],
    [15, ['malformed id', `/p/${segment(rng.pick([hostileText(rng).slice(0, 200), 'UP-AAAA', '..', '%', 'BX-' + 'A'.repeat(500)]))}/${segment(rng.pick(['', '%00', 'a'.repeat(3000), '🎟️']))}`]],
  ]);
  return { route: 'GET /p/:order/:secret', variant, method: rng.chance(0.05) ? rng.pick(['HEAD', 'POST']) : 'GET', path, headers: forwardedFor(rng) };
}

/** The staff API: every route, with the token, without it, with a wrong one; bodies malformed or too large. */
export function staffApi(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  const [who, auth] = staffAuth(rng);
  const order = rng.chance(0.6) ? (world.links.pick(rng)?.orderId ?? 'BX-AAAA') : rng.pick(['BX-AAAA', 'UP-AAAA', 'x', segment(hostileText(rng).slice(0, 100)) || 'y', '%00']);
  const event = rng.pick([...world.eventIds, 'nope', segment(hostileText(rng).slice(0, 100)) || 'z']);
  const [what, method, path, body] = rng.pick<[string, string, string, unknown?]>([
    ['order', 'GET', `/staff/orders/${order}`],
    ['attention', 'GET', '/staff/attention'],
    ['inventory', 'GET', `/staff/events/${event}/inventory`],
    ['sales', 'GET', `/staff/events/${event}/sales`],
    ['order list', 'GET', `/staff/orders?${listQuery(rng, event)}`],
    ['offers', 'GET', `/staff/orders/${order}/upgrade-offers`],
    ['refund', 'POST', `/staff/orders/${order}/refund`, staffBody(rng, { tickets: rng.pick([1, 2, 0, -1, 1.5, 'two', 1e9]), reason: hostileText(rng).slice(0, 300) })],
    ['resend', 'POST', `/staff/orders/${order}/resend-tickets`, staffBody(rng, {})],
    ['offer', 'POST', `/staff/orders/${order}/upgrade-offers`, staffBody(rng, { section: rng.pick(['courtside', 'club', '', 'nope', hostileText(rng).slice(0, 200)]), unitAmount: rng.pick([undefined, -1, 100, 'x']), discountPercent: rng.pick([undefined, 50, 100]), expiresInMinutes: rng.pick([undefined, 10, 60, 1e6]) })],
    ['withdraw', 'DELETE', `/staff/upgrade-offers/${rng.pick(['UP-AAAA', order, 'x'])}`],
  ]);
  const headers = { ...auth, ...forwardedFor(rng) };
  if (body === undefined) return { route: '/staff API', variant: `${what}, ${who}`, method, path, headers };
  return jsonRequest('/staff API', `${what}, ${who}`, method, path, body, headers);
}

/** The queue board, with malformed queries and paths. Changes go only where they cannot stop the worker (unknown queues, refused callers). */
export function queueBoard(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  const [who, auth] = staffAuth(rng);
  const queue = rng.pick(QUEUES);
  const query = () =>
    [
      `activeQueue=${segment(rng.pick(QUEUES))}`,
      `status=${segment(rng.pick(JOB_STATES))}`,
      `page=${rng.pick(['1', '0', '-1', 'abc', '1e309', '99999999', ''])}`,
      `jobsPerPage=${rng.pick(['10', '0', '-5', 'x', '100000', ''])}`,
      rng.pick(['', 'activeQueue=a&activeQueue=b', 'status[]=x', 'page[a]=1', '%ZZ', `q=${'x'.repeat(4000)}`]),
    ]
      .filter(() => rng.chance(0.7))
      .join('&');
  const [what, method, path] = rng.pick<[string, string, string]>([
    ['page', 'GET', '/staff/queues'],
    ['queue page', 'GET', `/staff/queues/queue/${segment(queue)}`],
    ['queues', 'GET', `/staff/queues/api/queues?${query()}`],
    ['job', 'GET', `/staff/queues/api/queues/${segment(queue)}/${segment(rng.pick(['1', 'evt_x', '%00', 'x'.repeat(500)]))}`],
    ['job logs', 'GET', `/staff/queues/api/queues/${segment(queue)}/${rng.int(0, 100)}/logs`],
    ['redis stats', 'GET', '/staff/queues/api/redis/stats'],
    ['schedulers', 'GET', `/staff/queues/api/job-schedulers?${query()}`],
    ['retry unknown queue', 'PUT', `/staff/queues/api/queues/nope/retry/${rng.pick(JOB_STATES)}`],
    ['clean unknown queue', 'PUT', `/staff/queues/api/queues/nope/clean/${rng.pick(JOB_STATES)}`],
    ['static file', 'GET', `/staff/queues/static/${rng.pick(['../../package.json', 'x.js', '%2e%2e/%2e%2e/etc/passwd'])}`],
  ]);
  // A browser on another site cannot make the board change anything, whatever credentials it carries.
  const crossSite: Record<string, string> = method !== 'GET' && rng.chance(0.5) ? { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } : {};
  return { route: '/staff/queues', variant: `${what}, ${who}`, method, path, headers: { ...auth, ...crossSite } };
}

/** /healthz, /readyz and /metrics, by any method, with any query. */
export function healthAndMetrics(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  const path = rng.pick(['/healthz', '/readyz', '/metrics']);
  const method = rng.weighted([[85, 'GET'], [5, 'HEAD'], [10, rng.pick(METHODS)]]);
  const query = rng.chance(0.2) ? `?${rng.pick(['x=1', 'name[]=a', '%ZZ', 'a='.repeat(500)])}` : '';
  return { route: 'health, metrics', variant: `${path} ${method}`, method, path: path + query };
}

/** Routes that do not exist, or not in this configuration (the demo pages without a Stripe key). */
export function unknownRoute(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  const path = rng.pick([
    () => `/${rng.chars(rng.int(1, 40))}`,
    () => `/${'a/'.repeat(rng.int(10, 500))}`,
    () => `/x?${'q'.repeat(rng.int(1_000, 7_000))}`,
    () => rng.pick(['/', '//', '/%', '/%E0%A4%A', '/..%2f..%2fetc/passwd', '/.env', '/wp-login.php', '/api', '/api/messages/x', '/sms', '/webhooks', '/p', '/demo/checkout/cs_test_1', '/demo/phone', '/demo/chat', '/t/x', '/staff', '/staff/door', '/staff/events']),
    () => `/${segment(hostileText(rng).slice(0, 500))}`,
  ])();
  const method = rng.pick(METHODS);
  const body = method === 'GET' || method === 'HEAD' ? undefined : rng.chance(0.05) ? oversized(rng, 256) : hostileText(rng);
  return { route: 'unknown routes', variant: method, method, path, headers: { 'content-type': rng.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']), ...forwardedFor(rng) }, body };
}

/** Who the caller claims to be, as a label and the Authorization header. */
function staffAuth(rng: Prng): [string, Record<string, string>] {
  return rng.weighted<[string, Record<string, string>]>([
    [55, ['token', { authorization: `Bearer ${BENCH.staffToken}` }]],
    [10, ['Basic with token', { authorization: `Basic ${Buffer.from(`staff:${BENCH.staffToken}`).toString('base64')}` }]],
    [15, ['no token', {}]],
    [10, ['wrong token', { authorization: `Bearer ${rng.chars(rng.int(0, 64))}` }]],
    [10, ['garbage auth', { authorization: rng.pick(['Bearer', 'Basic !!!', 'Basic ' + Buffer.from('nocolon').toString('base64'), `Bearer ${BENCH.staffToken}x`, 'x'.repeat(6000)]) }]],
  ]);
}

/** A JSON body as given, or broken: not JSON, another type, too large (the staff bodies' limit is 2 kB). */
function staffBody(rng: Prng, body: object): unknown {
  return rng.weighted<unknown>([
    [60, body],
    [10, '{"tickets": '],
    [10, JSON.stringify({ ...body, extra: true })],
    [10, JSON.stringify({ ...body, padding: oversized(rng, 2) })],
    [10, rng.pick(['null', '[]', '"x"', '42'])],
  ]);
}

function listQuery(rng: Prng, event: string): string {
  return [
    rng.chance(0.8) ? `event=${segment(event)}` : '',
    rng.chance(0.3) ? `state=${rng.pick(['held', 'paid', 'x'])}` : '',
    rng.chance(0.3) ? `kind=${rng.pick(['tickets', 'upgrade', 'x'])}` : '',
    rng.chance(0.3) ? `limit=${rng.pick(['1', '200', '201', '0', '-1', 'x'])}` : '',
    rng.chance(0.2) ? `cursor=${rng.pick(['BX-AAAA', '', 'x'.repeat(300)])}` : '',
    rng.chance(0.1) ? 'event=a&event=b' : '',
  ]
    .filter(Boolean)
    .join('&');
}
