/**
 * Browser tests of the demo app: headless Chromium (the machine's, driven by playwright-core; no browser download)
 * against the whole real stack (ScriptedStack: embedded Kafka, the development OIDC issuer, the four services, the
 * demo web server). Two users in two browser contexts sign in through the issuer's login page and use the app as a
 * person would; every step leaves a screenshot in target/browser-artifacts/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TestStack } from '../../js/test/stack.js';
import { claims, demoDir, launchChromium, postMessage, screenshots, sleep, storedAccessToken, texts, UI_TIMEOUT,
  waitForLive, waitForMessage, waitForRefreshedToken } from './pages.js';

const artifacts = join(demoDir, 'target', 'browser-artifacts');
/** Long enough for a step, short enough that the app's refresh-token path runs during the test. */
const TOKEN_LIFETIME_SECONDS = 60;
const BURST = 30;

interface User {
  name: string;
  displayName: string;
  context: BrowserContext;
  page: Page;
  /** The access token the sign-in gave. */
  firstToken: string;
}

describe('demo app in a real browser, two users', { concurrency: false }, () => {
  let stack: TestStack;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let conversationUrl = '';
  const shot = screenshots(artifacts);

  before(async () => {
    stack = await TestStack.start({
      services: 'chat-service,activity-service,notification-service,realtime-edge',
      tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
      packageDir: demoDir,
    });
    assert.ok(stack.urls.demoUrl, 'the stack serves the demo app');
    browser = await launchChromium();
  }, { timeout: 300_000 });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  }, { timeout: 60_000 });

  async function signIn(name: string, displayName: string): Promise<User> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[${name}] page error:`, error.message));
    await page.goto(stack.urls.demoUrl!);
    await page.click('#sign-in');
    // The issuer's login page (the development issuer's; Keycloak's has the same field ids).
    await page.fill('#username', name);
    await page.fill('#password', name);
    await shot(page, `${name}-on-the-login-page`);
    await page.click('#kc-login');
    await page.waitForSelector(`#me[data-user="${name}"]`);
    await waitForLive(page);
    return { name, displayName, context, page, firstToken: await storedAccessToken(page) };
  }

  it('signs both users in through the issuer\'s login page; each sees the live connection', async () => {
    alice = await signIn('alice', 'Alice Liddell');
    bob = await signIn('bob', 'Bob Cratchit');
    assert.equal(await alice.page.textContent('#me'), 'Alice Liddell');
    assert.equal(await bob.page.textContent('#me'), 'Bob Cratchit');
    await shot(alice.page, 'alice-signed-in');
  });

  it('alice starts a conversation with bob; it appears in bob\'s list without a reload', async () => {
    await alice.page.fill('#new-conversation input[name=title]', 'Release planning');
    await alice.page.fill('#new-conversation input[name=participants]', 'bob');
    await alice.page.click('#new-conversation button[type=submit]');
    await alice.page.waitForURL(/\/conversations\/[^/]+$/);
    conversationUrl = alice.page.url();
    const id = decodeURIComponent(conversationUrl.split('/').pop()!);
    await bob.page.click(`.conversation-link[data-conversation-id="${id}"]`);
    await bob.page.waitForSelector(`section.conversation[data-conversation-id="${id}"]`);
    await alice.page.waitForSelector('.presence[data-user="bob"][data-online="true"]');
    await shot(bob.page, 'bob-sees-the-new-conversation');
  });

  it('alice posts; bob sees the message live', async () => {
    await alice.page.fill('#composer-input', 'Hello Bob, shall we plan the release?');
    await alice.page.press('#composer-input', 'Enter');
    await waitForMessage(bob.page, 'Hello Bob, shall we plan the release?');
    assert.deepEqual(await texts(bob.page), ['Hello Bob, shall we plan the release?']);
    await shot(bob.page, 'bob-sees-alices-message');
  });

  it('bob types; alice sees the typing indicator, and it goes when he stops', async () => {
    await bob.page.click('#composer-input');
    await bob.page.keyboard.type('Sure, give me', { delay: 30 });
    await alice.page.waitForSelector('#typing:text("Bob Cratchit is typing…")');
    await shot(alice.page, 'alice-sees-bob-typing');
    await bob.page.fill('#composer-input', '');
    await bob.page.dispatchEvent('#composer-input', 'input');
    await alice.page.waitForFunction(() => document.querySelector('#typing')?.textContent === '');
  });

  it('bob mentions alice; her bell counts it in every open tab, and reading it clears both', async () => {
    const secondTab = await alice.context.newPage();
    await secondTab.goto(stack.urls.demoUrl!);
    await waitForLive(secondTab);
    await bob.page.fill('#composer-input', '@alice can you check the changelog?');
    await bob.page.press('#composer-input', 'Enter');
    for (const page of [alice.page, secondTab]) {
      await page.waitForSelector('#bell[data-unread="1"]');
      assert.equal(await page.textContent('#bell-count'), '1');
    }
    await alice.page.click('#bell');
    await alice.page.waitForSelector('.notification.unread[data-type="mention"]');
    await shot(alice.page, 'alice-bell-counts-the-mention');
    await alice.page.click('.notification[data-type="mention"] button');
    // Its deep link opens the conversation at the message.
    await alice.page.waitForURL(/\/conversations\/[^/?]+\?message=/);
    await message(alice.page, '@alice can you check the changelog?').and(alice.page.locator('.highlight')).waitFor();
    await alice.page.waitForSelector('#bell[data-unread="0"]');
    await secondTab.waitForSelector('#bell[data-unread="0"]');
    assert.equal(await secondTab.isHidden('#bell-count'), true);
    await secondTab.close();
  });

  it('bob goes offline; alice sees his dot go grey, and green again when he is back', async () => {
    await alice.page.goto(conversationUrl);
    await alice.page.waitForSelector('.presence[data-user="bob"][data-online="true"]');
    await bob.page.close();
    await alice.page.waitForSelector('.presence[data-user="bob"][data-online="false"]');
    await shot(alice.page, 'alice-sees-bob-offline');
    bob.page = await bob.context.newPage();
    await bob.page.goto(conversationUrl);
    await waitForLive(bob.page);
    await alice.page.waitForSelector('.presence[data-user="bob"][data-online="true"]');
  });

  it('the edge is killed and restarted while alice posts through REST; bob sees every message once and in order', async () => {
    const id = decodeURIComponent(conversationUrl.split('/').pop()!);
    await waitForMessage(bob.page, '@alice can you check the changelog?');
    const before = await texts(bob.page);
    const token = await stack.token('alice');
    const sent: string[] = [];
    const post = async (i: number) => {
      const text = `burst ${i} of ${BURST}`;
      await postMessage(stack.chatUrl, token, id, text, `burst-${i}`);
      sent.push(text);
    };
    const postAll = (async () => {
      for (let i = 1; i <= BURST; i++) {
        await post(i);
        await sleep(i <= 5 ? 50 : 400);
      }
    })();
    await waitForMessage(bob.page, `burst 3 of ${BURST}`);
    await stack.command('kill realtime-edge');
    await bob.page.waitForSelector('#connection-state[data-state="reconnecting"]');
    await shot(bob.page, 'bob-reconnecting-while-the-edge-is-down');
    await stack.command('restart realtime-edge');
    await postAll;
    await waitForLive(bob.page);
    await waitForMessage(bob.page, `burst ${BURST} of ${BURST}`, 60_000);
    const after = await texts(bob.page);
    assert.deepEqual(after, [...before, ...sent], 'every message once, in the order it was posted');
    await shot(bob.page, 'bob-sees-every-message-after-the-restart');
  });

  it('history pages back; edits, reactions, deletes and read receipts reach the other user live', async () => {
    // A fresh load shows the newest page; "Load older messages" brings the rest, in order.
    await bob.page.goto(conversationUrl);
    await waitForLive(bob.page);
    await waitForMessage(bob.page, `burst ${BURST} of ${BURST}`);
    const firstPage = await texts(bob.page);
    assert.equal(firstPage.length, 30);
    await bob.page.click('#load-older');
    await waitForMessage(bob.page, 'Hello Bob, shall we plan the release?');
    const everything = await texts(bob.page);
    assert.equal(everything.length, 2 + BURST);
    assert.deepEqual(everything.slice(-30), firstPage);
    await shot(bob.page, 'bob-paged-back-through-the-history');

    const hello = message(alice.page, 'Hello Bob, shall we plan the release?');
    await hello.hover();
    await hello.locator('button.edit').click();
    await alice.page.fill('.edit-input', 'Hello Bob, shall we plan the 1.0 release?');
    await alice.page.click('.edit-form button.save');
    const edited = message(bob.page, 'Hello Bob, shall we plan the 1.0 release?');
    await edited.locator('.edited').waitFor();

    await edited.hover();
    await edited.locator('.add-reaction[data-emoji="👍"]').click();
    await message(alice.page, 'Hello Bob, shall we plan the 1.0 release?')
      .locator('.reaction[data-emoji="👍"]:text-is("👍 1")').waitFor();

    const doomed = message(alice.page, `burst 1 of ${BURST}`);
    await doomed.hover();
    await doomed.locator('button.delete').click();
    await waitForMessage(bob.page, 'This message was deleted');
    assert.equal(await bob.page.locator('.message .text.tombstone').count(), 1);
    assert.equal((await texts(bob.page)).includes(`burst 1 of ${BURST}`), false);

    // Bob has read up to the newest message: alice sees it under that message.
    await message(alice.page, `burst ${BURST} of ${BURST}`).locator('.read-receipt:text("Seen by Bob Cratchit")').waitFor();
    await shot(alice.page, 'alice-sees-the-reaction-and-the-read-receipt');
    await shot(bob.page, 'bob-sees-the-edit-and-the-tombstone');
  });

  it('a project page shows its activity live, with deep links that open the target', async () => {
    await alice.page.fill('#new-project input[name=title]', 'Summer EP');
    await alice.page.click('#new-project button[type=submit]');
    await alice.page.waitForURL(/\/projects\/[^/]+$/);
    const projectUrl = alice.page.url();
    await alice.page.fill('#add-member input[name=user]', 'bob');
    await alice.page.click('#add-member button[type=submit]');
    await alice.page.waitForSelector('#activity-feed .activity[data-verb="member:joined"]:has-text("Bob")');
    await bob.page.goto(projectUrl);
    await waitForLive(bob.page);
    await bob.page.waitForSelector('#activity-feed .activity[data-verb="member:joined"]');
    // Alice starts a project conversation: bob's open feed gets the activity live, linked to the conversation.
    await alice.page.fill('#new-project-conversation input[name=title]', 'Mixing notes');
    await alice.page.fill('#new-project-conversation input[name=participants]', 'bob');
    await alice.page.click('#new-project-conversation button[type=submit]');
    const link = await bob.page.waitForSelector('#activity-feed .activity[data-verb="conversation:created"] a.deep-link');
    assert.equal(await link.textContent(), 'Mixing notes');
    await shot(bob.page, 'bob-sees-the-project-activity-live');
    await link.click();
    await bob.page.waitForURL(/\/conversations\/[^/]+$/);
    await bob.page.waitForSelector('.conversation-header h2:text-is("Mixing notes")');
    await shot(bob.page, 'bob-followed-the-deep-link');
  });

  it('tokens run out during the session: the app refreshes them and the connection stays up past the first expiry', async () => {
    // A fresh sign-in, so that its first token is still valid when the wait starts. The app refreshes 45 s before
    // expiry with the refresh token and the SDK sends the new one in band; without that, the edge closes the
    // connection at the first token's expiry (4001) and the page reconnects.
    const carol = await signIn('carol', 'Carol Danvers');
    const firstExpiry = Number(claims(carol.firstToken).exp) * 1000;
    assert.ok(firstExpiry > Date.now() + 10_000, 'the first token is still valid');
    await waitForRefreshedToken(carol.page, carol.firstToken, TOKEN_LIFETIME_SECONDS * 1000);
    await sleep(Math.max(0, firstExpiry + 3000 - Date.now()));
    assert.equal(await carol.page.getAttribute('#connection-state', 'data-state'), 'open');
    assert.equal(await carol.page.getAttribute('#connection-state', 'data-reconnects'), null, 'never reconnected');
    // The REST calls use the new token too.
    await carol.page.fill('#new-project input[name=title]', 'Carol after the refresh');
    await carol.page.click('#new-project button[type=submit]');
    await carol.page.waitForSelector('.project-header h2:text-is("Carol after the refresh")');
    await shot(carol.page, 'carol-still-live-after-her-first-token-expired');
    await carol.context.close();
  });

  it('signs out: the session is gone and the page asks to sign in again', async () => {
    await bob.page.click('#sign-out');
    await bob.page.waitForSelector('#sign-in');
    assert.equal(await storedAccessToken(bob.page), '');
    await shot(bob.page, 'bob-signed-out');
  });
});

/** The message whose text is exactly this. */
function message(page: Page, text: string): Locator {
  return page.locator('.message').filter({ has: page.locator('.text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
