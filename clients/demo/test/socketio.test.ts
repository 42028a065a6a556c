/**
 * A plain web page using the browser build of `socket.io-client` (dist/socket.io.min.js, loaded with a `<script>` tag,
 * as a front end without a bundler does) against the edge's Socket.IO endpoint (docs/socketio.md), in the machine's
 * headless Chromium. The page is served by Playwright's request interception as http://localhost:5173 (a front-end
 * development server's origin, which the stack's edge allows), so the browser sends that Origin to the edge like a real
 * page of another origin would. The page connects with auth.token, joins the conversation and shows the messages it
 * receives; a message posted through chat-service's REST API must appear in it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TestStack } from '../../js/test/stack.js';
import { demoDir, launchChromium, postMessage, screenshots, UI_TIMEOUT } from './pages.js';

const artifacts = join(demoDir, 'target', 'browser-artifacts-socketio');
/** An origin on the edge's allow-list (realtime.allowed-origins; the stack adds the development servers' ones). */
const PAGE_ORIGIN = 'http://localhost:5173';
const TOKEN_LIFETIME_SECONDS = 60;

/** The page: the library from a script tag, and a few lines of application code. */
function pageHtml(config: { edgeUrl: string; token: string; room: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Socket.IO page</title>
  <script src="/socket.io.min.js"></script>
</head>
<body>
  <h1>Socket.IO page</h1>
  <p id="state" data-state="connecting">connecting</p>
  <ul id="messages"></ul>
  <script>
    const config = ${JSON.stringify(config)};
    const state = document.getElementById('state');
    const show = (name, text) => { state.dataset.state = name; state.textContent = text; };
    const socket = io(config.edgeUrl, { auth: { token: config.token } });
    window.pageSocket = socket;
    // A refusal by the server ends the socket (socket.active false); a transport error is retried by the library.
    socket.on('connect_error', (error) => show(socket.active ? 'retrying' : 'refused', 'connect_error: ' + error.message));
    socket.on('welcome', async (welcome) => {
      show('welcome', 'signed in as ' + welcome.user);
      // The membership may still be on its way to the edge right after the conversation was created: try again.
      for (let attempt = 0; attempt < 100; attempt++) {
        const ack = await socket.timeout(10000).emitWithAck('room:join', { room: config.room });
        if (ack.ok) {
          state.dataset.transport = socket.io.engine.transport.name;
          show('joined', 'joined ' + ack.room + ' as ' + welcome.user);
          return;
        }
        if (ack.error.code !== 'room.not_found') {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      show('refused', 'could not join ' + config.room);
    });
    socket.on('message:new', (event) => {
      const item = document.createElement('li');
      item.className = 'message';
      item.dataset.seq = String(event.seq);
      item.textContent = event.data.text;
      document.getElementById('messages').append(item);
    });
  </script>
</body>
</html>
`;
}

describe('a web page with socket.io-client from a script tag, in headless Chromium', { concurrency: false }, () => {
  let stack: TestStack;
  let browser: Browser;
  const shot = screenshots(artifacts);

  before(async () => {
    stack = await TestStack.start({
      services: 'chat-service,realtime-edge',
      tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
      packageDir: demoDir,
    });
    browser = await launchChromium();
  }, { timeout: 300_000 });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  }, { timeout: 60_000 });

  it('connects with auth.token, joins the conversation and shows a message posted through REST', async () => {
    const aliceToken = await stack.token('alice');
    const response = await fetch(`${stack.chatUrl}/api/conversations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${aliceToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Socket.IO in the browser', participants: ['bob'] }),
    });
    const body = await response.text();
    assert.equal(response.status, 201, body);
    const conversation = JSON.parse(body) as { id: string };
    const room = `conversation:${conversation.id}`;

    const library = readFileSync(join(demoDir, 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js'), 'utf8');
    const html = pageHtml({ edgeUrl: stack.edgeUrl, token: await stack.token('bob'), room });
    const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    // A page that Playwright serves has no address, so Chromium counts it as public and asks before it reaches a
    // loopback address (Local Network Access); the user's "allow", as for a page a development server serves on
    // this machine, which is loopback itself.
    await context.grantPermissions(['local-network-access'], { origin: PAGE_ORIGIN });
    try {
      const page: Page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => console.log(`[page] ${message.type()}: ${message.text()}`));
      // The page's origin is served from here; everything else (the edge) goes over the network.
      await page.route(`${PAGE_ORIGIN}/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/socket.io.min.js') {
          await route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: library });
        } else if (path === '/') {
          await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
        } else {
          await route.fulfill({ status: 404, body: 'not found' });
        }
      });
      await page.goto(`${PAGE_ORIGIN}/`);
      await page.waitForSelector('#state[data-state="joined"], #state[data-state="refused"]', { timeout: 60_000 });
      assert.equal(await page.textContent('#state'), `joined ${room} as bob`);
      await shot(page, 'page-joined-the-conversation');

      const text = 'Hello from REST to a Socket.IO page';
      await postMessage(stack.chatUrl, aliceToken, conversation.id, text, `socketio-page-${Date.now()}`);
      await page.locator('#messages .message', { hasText: text }).waitFor();
      assert.deepEqual(await page.$$eval('#messages .message', (items) => items.map((item) => item.textContent)), [text]);
      await shot(page, 'page-shows-the-message');
      const transportAtEnd = await page.evaluate(() =>
        (window as unknown as { pageSocket: { io: { engine: { transport: { name: string } } } } }).pageSocket.io.engine.transport.name);
      console.log(`the page's Socket.IO transport: ${await page.getAttribute('#state', 'data-transport')} when joined, ` +
        `${transportAtEnd} at the end`);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
