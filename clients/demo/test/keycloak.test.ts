/**
 * The demo app signing in on a real Keycloak: the stack's launcher runs Keycloak's distribution with the repository's
 * realm (deploy/keycloak, the one docker-compose imports), and the app uses the realm's public `web` client with the
 * authorization code flow and PKCE, as a front end in production would. One user signs in on Keycloak's own login
 * page, receives a message live, keeps the connection past her first token's expiry (the app refreshes with Keycloak's
 * refresh token and the SDK sends the new token in band) and signs out, which ends her Keycloak session too.
 * Screenshots go to target/browser-artifacts-keycloak/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestStack } from '../../js/test/stack.js';
import { claims, demoDir, launchChromium, postMessage, screenshots, sleep, storedAccessToken, UI_TIMEOUT, waitForLive,
  waitForMessage, waitForRefreshedToken } from './pages.js';

const artifacts = join(demoDir, 'target', 'browser-artifacts-keycloak');
/** The realm's access token lifespan on this stack: Keycloak's smallest setting, so the refresh runs in the test. */
const TOKEN_LIFETIME_SECONDS = 60;

describe('demo app signing in on Keycloak', { concurrency: false }, () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let firstToken = '';
  const screenshot = screenshots(artifacts);
  const shot = (name: string) => screenshot(page, name);

  before(async () => {
    stack = await TestStack.start({
      services: 'chat-service,activity-service,notification-service,realtime-edge',
      tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
      packageDir: demoDir,
      idp: 'keycloak',
    });
    assert.match(stack.urls.issuerUrl, /\/realms\/realtime$/, 'the stack runs Keycloak with the repository\'s realm');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('[alice] page error:', error.message));
  }, { timeout: 600_000 });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  }, { timeout: 60_000 });

  it('alice signs in on Keycloak\'s login page (code flow with PKCE) and the app goes live', async () => {
    await page.goto(stack.urls.demoUrl!);
    await page.click('#sign-in');
    await page.waitForURL((url) => url.href.startsWith(`${stack.urls.issuerUrl}/protocol/openid-connect/auth`));
    const authorize = new URL(page.url());
    assert.equal(authorize.searchParams.get('client_id'), 'web');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    await page.fill('#username', 'alice');
    await page.fill('#password', 'alice');
    await shot('keycloak-login-page');
    await page.click('#kc-login');
    await page.waitForSelector('#me[data-user="alice"]');
    await waitForLive(page);
    // The display name comes from Keycloak's token (the realm's user), not from the development issuer.
    assert.equal(await page.textContent('#me'), 'Alice Liddell');
    firstToken = await storedAccessToken(page);
    const issued = claims(firstToken);
    assert.equal(issued.iss, stack.urls.issuerUrl);
    assert.equal(issued.azp, 'web');
    await shot('alice-signed-in');
  });

  it('bob posts with his Keycloak token; alice sees the message live', async () => {
    await page.fill('#new-conversation input[name=title]', 'Keycloak check');
    await page.fill('#new-conversation input[name=participants]', 'bob');
    await page.click('#new-conversation button[type=submit]');
    await page.waitForURL(/\/conversations\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    await postMessage(stack.chatUrl, await stack.token('bob'), id, 'Signed in on Keycloak, live over the edge', 'kc-1');
    await waitForMessage(page, 'Signed in on Keycloak, live over the edge');
    await shot('alice-sees-bobs-message');
  });

  it('the app refreshes the token with Keycloak and the connection stays up past the first expiry', async () => {
    const firstExpiry = Number(claims(firstToken).exp) * 1000;
    const refreshed = await waitForRefreshedToken(page, firstToken, TOKEN_LIFETIME_SECONDS * 1000);
    assert.equal(claims(refreshed).iss, stack.urls.issuerUrl, 'the new token is Keycloak\'s');
    assert.ok(Number(claims(refreshed).exp) * 1000 > firstExpiry, 'the new token outlives the first');
    await sleep(Math.max(0, firstExpiry + 3000 - Date.now()));
    assert.equal(await page.getAttribute('#connection-state', 'data-state'), 'open');
    assert.equal(await page.getAttribute('#connection-state', 'data-reconnects'), null, 'never reconnected');
    // Live delivery still works on the connection that outlived its first token.
    const id = decodeURIComponent(page.url().split('/').pop()!);
    await postMessage(stack.chatUrl, await stack.token('bob'), id, 'Still live after the refresh', 'kc-2');
    await waitForMessage(page, 'Still live after the refresh');
    await shot('alice-still-live-after-the-refresh');
  });

  it('alice signs out: the app forgets her tokens and Keycloak asks for her password again', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in');
    assert.equal(await storedAccessToken(page), '');
    await shot('alice-signed-out');
    // Her Keycloak session ended too: signing in again shows the login form instead of coming straight back.
    await page.click('#sign-in');
    await page.waitForSelector('#kc-login');
    assert.equal(await page.inputValue('#password'), '');
    await shot('keycloak-asks-again');
  });
});
