/**
 * What the demo's browser tests share: the machine's Chromium, the app's stored session, and waits on what a person
 * sees (the connection state, a message's text).
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const demoDir = findDemoDir(dirname(fileURLToPath(import.meta.url)));
/** Where the app keeps its tokens (localStorage). */
export const SESSION_KEY = 'realtime-demo.session';
export const UI_TIMEOUT = 20_000;

/** Headless Chromium of the machine (playwright-core downloads no browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // As root on a machine without a network: no sandbox, and no background calls home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Empties `dir` and returns a function that saves a numbered full-page screenshot of each step there. */
export function screenshots(dir: string): (page: Page, name: string) => Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let step = 0;
  return async (page, name) => {
    step += 1;
    await page.screenshot({ path: join(dir, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
}

/** Posts a message through chat-service's REST API, as a back end or another client would; expects 201. */
export async function postMessage(chatUrl: string, token: string, conversationId: string, text: string,
  clientMessageId: string): Promise<void> {
  const response = await fetch(`${chatUrl}/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, clientMessageId }),
  });
  assert.equal(response.status, 201, `post "${text}": ${await response.text()}`);
}

export async function storedAccessToken(page: Page): Promise<string> {
  return page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { accessToken?: string }).accessToken ?? '', SESSION_KEY);
}

/** The claims of a JWT (no signature check: for assertions on what the issuer gave the app). */
export function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

/** Waits until the app's stored access token is another than `first` (the app refreshed it). */
export async function waitForRefreshedToken(page: Page, first: string, timeout: number): Promise<string> {
  await page.waitForFunction(
    ([key, previous]) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { accessToken?: string }).accessToken !== previous,
    [SESSION_KEY, first] as const,
    { timeout },
  );
  return storedAccessToken(page);
}

export async function texts(page: Page): Promise<string[]> {
  return page.$$eval('.message .text', (items) => items.map((p) => p.textContent ?? ''));
}

/** Waits until a message with exactly this text is shown (mentions are elements inside the text). */
export async function waitForMessage(page: Page, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await page.waitForFunction(
    (expected) => [...document.querySelectorAll('.message .text')].some((p) => p.textContent === expected),
    text,
    { timeout },
  );
}

export async function waitForLive(page: Page): Promise<void> {
  await page.waitForSelector('#connection-state[data-state="open"]', { timeout: 60_000 });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function findDemoDir(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) {
    if (dir.endsWith(join('clients', 'demo'))) {
      return dir;
    }
  }
  return resolve(start, '..', '..', '..');
}
