import type { Request, RequestHandler, Response } from 'express';

/** Options of an IpShield. */
export interface IpShieldOptions {
  /** Requests one address may make in one window; the next ones are refused until it ends. */
  limit: number;
  /** Length of a window, which starts at an address's first request. Default: 60 000 ms. */
  windowMs?: number;
  /** Most addresses remembered at once; past it the oldest window is forgotten. Default: 10 000. */
  maxTracked?: number;
  /** The clock. Default: Date.now. */
  now?: () => number;
}

interface Window {
  count: number;
  endsAt: number;
}

/**
 * A per-IP request counter in this process's memory: a shield against one
 * address hammering a public route, not an account of anything, so it is
 * neither shared between web processes nor kept across restarts. Memory is
 * bounded: windows are kept in the order they started, so when the map is full
 * the first one is the oldest and is dropped, in constant time.
 */
export class IpShield {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(private readonly options: IpShieldOptions) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxTracked = options.maxTracked ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Counts one request from `ip`: 0 when it is within the limit, else the whole seconds until its window ends. */
  hit(ip: string | undefined): number {
    const key = addressKey(ip);
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      // Re-inserted, not updated in place, so the map stays in window-start order.
      this.windows.delete(key);
      if (this.windows.size >= this.maxTracked) this.windows.delete(this.windows.keys().next().value!);
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count <= this.options.limit ? 0 : Math.max(1, Math.ceil((window.endsAt - now) / 1000));
  }

  /** How many addresses it remembers now. */
  get tracked(): number {
    return this.windows.size;
  }
}

/** Every request through it counts against its address; over the limit, 429. */
export function limitByIp(shield: IpShield): RequestHandler {
  return (req, res, next) => {
    const wait = shield.hit(req.ip);
    if (wait > 0) return tooManyRequests(res, wait);
    next();
  };
}

/**
 * Answers a webhook request that failed its signature check: with `refuse`
 * (the route's usual 4xx), or with 429 once its address has failed too often.
 * Only failures are counted, so correctly signed webhooks, which Twilio,
 * Stripe and the Bot Framework send from a few addresses, are never slowed,
 * however many arrive and whatever else came from the same address.
 */
export function refuseUnsigned(shield: IpShield | undefined, req: Request, res: Response, refuse: () => void): void {
  const wait = shield?.hit(req.ip) ?? 0;
  if (wait > 0) return tooManyRequests(res, wait);
  refuse();
}

function tooManyRequests(res: Response, waitSeconds: number): void {
  res
    .status(429)
    .set('Retry-After', String(waitSeconds))
    .json({ error: 'too_many_requests', message: `Too many requests from your address; try again in ${waitSeconds} s.` });
}

/**
 * The address a limit applies to. An IPv6 host is usually given a whole /64,
 * so any address in it is the same caller; an IPv4 address mapped into IPv6
 * (::ffff:1.2.3.4) is its IPv4 address.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const address = ip.toLowerCase().replace(/%.*$/, '');
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
