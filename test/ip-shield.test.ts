// The per-IP shield on its own, on a clock the test moves: how many requests
// an address gets, how long it is told to wait, that its window ends, that
// memory stays bounded, and which addresses count as one caller.
import { describe, expect, it } from 'vitest';
import { addressKey, IpShield } from '../src/http/ip-shield.js';

function shieldAt(options: { limit: number; maxTracked?: number }) {
  const clock = { now: 1_000_000 };
  const shield = new IpShield({ ...options, windowMs: 60_000, now: () => clock.now });
  return { shield, clock };
}

describe('IpShield', () => {
  it('lets an address make `limit` requests in a window, then gives the seconds left in it', () => {
    const { shield, clock } = shieldAt({ limit: 3 });

    expect([shield.hit('198.51.100.1'), shield.hit('198.51.100.1'), shield.hit('198.51.100.1')]).toEqual([0, 0, 0]);
    expect(shield.hit('198.51.100.1')).toBe(60);
    clock.now += 45_500;
    expect(shield.hit('198.51.100.1')).toBe(15);
    clock.now += 14_000;
    expect(shield.hit('198.51.100.1')).toBe(1);
  });

  it('starts a new window once the old one has ended', () => {
    const { shield, clock } = shieldAt({ limit: 1 });
    expect(shield.hit('198.51.100.2')).toBe(0);
    expect(shield.hit('198.51.100.2')).toBeGreaterThan(0);

    clock.now += 60_000;

    expect(shield.hit('198.51.100.2')).toBe(0);
    expect(shield.hit('198.51.100.2')).toBe(60);
  });

  it('counts each address on its own', () => {
    const { shield } = shieldAt({ limit: 1 });
    expect(shield.hit('198.51.100.3')).toBe(0);
    expect(shield.hit('198.51.100.3')).toBeGreaterThan(0);
    expect(shield.hit('198.51.100.4')).toBe(0);
  });

  it('remembers at most maxTracked addresses, forgetting the oldest window first', () => {
    const { shield, clock } = shieldAt({ limit: 1, maxTracked: 3 });
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
      shield.hit(ip);
      clock.now += 1_000;
    }
    expect(shield.hit('10.0.0.3')).toBeGreaterThan(0);

    shield.hit('10.0.0.4');

    expect(shield.tracked).toBe(3);
    // 10.0.0.1 was the oldest and is forgotten: it starts afresh. 10.0.0.3 is still remembered.
    expect(shield.hit('10.0.0.3')).toBeGreaterThan(0);
    expect(shield.hit('10.0.0.1')).toBe(0);
    expect(shield.tracked).toBe(3);
  });

  it('keeps a restarted window as the newest, so it is not the next one forgotten', () => {
    const { shield, clock } = shieldAt({ limit: 1, maxTracked: 2 });
    shield.hit('10.0.1.1');
    clock.now += 1_000;
    shield.hit('10.0.1.2');
    clock.now += 60_000;
    shield.hit('10.0.1.1'); // its window ended: a new one, now the newest

    shield.hit('10.0.1.3'); // full: 10.0.1.2, the oldest window, goes

    expect(shield.hit('10.0.1.1')).toBeGreaterThan(0);
    expect(shield.hit('10.0.1.2')).toBe(0);
  });
});

describe('addressKey: which addresses are one caller', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:DB8:0:0:8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
