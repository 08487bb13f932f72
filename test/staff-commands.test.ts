import { describe, expect, it } from 'vitest';
import { parseStaffCommand } from '../src/staff/staff.desk.js';

describe('parseStaffCommand', () => {
  it.each([
    ['upgrade BX-7K2Q to courtside', { kind: 'upgrade', orderId: 'BX-7K2Q', section: 'courtside' }],
    ['Upgrade bx 7k2q to Premier Club', { kind: 'upgrade', orderId: 'BX-7K2Q', section: 'Premier Club' }],
    ['  upgrade   BX-7K2Q   club ', { kind: 'upgrade', orderId: 'BX-7K2Q', section: 'club' }],
    ['withdraw UP-9HMX', { kind: 'withdraw', offerId: 'UP-9HMX' }],
    ['order BX-7K2Q', { kind: 'order', id: 'BX-7K2Q' }],
    ['order up-9hmx', { kind: 'order', id: 'UP-9HMX' }],
    ['offer UP-9HMX', { kind: 'order', id: 'UP-9HMX' }],
    ['inventory lakers', { kind: 'inventory', event: 'lakers' }],
  ])('%s', (text, command) => {
    expect(parseStaffCommand(text)).toEqual(command);
  });

  it.each([
    'upgrade',
    'upgrade my seats please',
    'upgrade BX-7K2O to courtside', // O is not in the id alphabet
    'withdraw BX-7K2Q',
    'order',
    'order 2 tickets lakers',
    'inventory',
    'hi',
    '',
    '🎟️'.repeat(400),
    'x'.repeat(1600),
  ])('not a command: %s', (text) => {
    expect(parseStaffCommand(text)).toBeUndefined();
  });
});
