/** The pure parts of the SDK: no connection involved. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, decodeJwtPayload, jwtExpiryMs } from '../src/index.js';

function jwt(payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256' })}.${encode(payload)}.signature-not-checked`;
}

describe('backoff', () => {
  test('grows by the factor per attempt up to the maximum, each delay within its jitter band', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 };
    const bases = [100, 200, 400, 800, 1_000, 1_000];
    bases.forEach((base, index) => {
      const low = backoffDelay(index + 1, { ...options, random: () => 0 });
      const high = backoffDelay(index + 1, { ...options, random: () => 0.999999 });
      assert.equal(low, base / 2, `attempt ${index + 1} lowest`);
      assert.equal(high, base, `attempt ${index + 1} highest`);
    });
  });

  test('two clients drawing different random numbers wait different times', () => {
    const a = backoffDelay(3, { random: () => 0.1 });
    const b = backoffDelay(3, { random: () => 0.9 });
    assert.notEqual(a, b);
  });
});

describe('JWT payload', () => {
  test('exp is read from the payload, in milliseconds, without a signature check', () => {
    assert.equal(jwtExpiryMs(jwt({ sub: 'alice', exp: 1_900_000_000 })), 1_900_000_000_000);
  });

  test('UTF-8 claims survive base64url decoding', () => {
    assert.equal(decodeJwtPayload(jwt({ name: 'Zoë 🚀' }))?.name, 'Zoë 🚀');
  });

  test('a token that is not a JWT has no expiry', () => {
    assert.equal(jwtExpiryMs('opaque-token'), undefined);
    assert.equal(jwtExpiryMs('a.%%%.c'), undefined);
    assert.equal(jwtExpiryMs(jwt({ sub: 'alice' })), undefined);
  });
});
