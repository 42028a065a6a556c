/**
 * Entry point of `npm test`: the unit tests, then one real stack (see stack.ts) for every integration test, run in
 * this process so that tests can kill and restart the edge through the stack's stdin.
 */
import { after, before, describe } from 'node:test';
import './unit.test.js';
import { registerConnectionTests } from './connection.test.js';
import { registerDeliveryTests } from './delivery.test.js';
import { registerReconnectTests } from './reconnect.test.js';
import { registerSignalTests } from './signals.test.js';
import { registerSocketIoTests } from './socketio.test.js';
import { TestStack } from './stack.js';

const context: { stack?: TestStack } = {};
const stack = (): TestStack => {
  if (!context.stack) {
    throw new Error('the test stack is not running');
  }
  return context.stack;
};

describe('SDK against a real edge', { concurrency: false }, () => {
  before(async () => {
    // notification-service too: the user's own room carries its notifications (the own-room resume test).
    context.stack = await TestStack.start({ services: 'chat-service,realtime-edge,notification-service' });
  }, { timeout: 240_000 });

  after(async () => {
    await context.stack?.stop();
  }, { timeout: 60_000 });

  registerConnectionTests(stack);
  registerDeliveryTests(stack);
  registerSignalTests(stack);
  registerReconnectTests(stack);
  registerSocketIoTests(stack);
});
