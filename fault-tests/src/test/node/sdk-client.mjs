// A front end built on the JavaScript SDK (clients/js), run by the fault suite (SdkClient.java) as its own Node process.
//
//   node sdk-client.mjs <sdk dir> <edge ws url> <user> <room>...
//
// The access token comes on stdin, one per line (the latest line is the current token). The client follows each room
// from its first event (since 0) with the SDK's defaults for reconnect and resume, and reports on stdout, one JSON
// object per line, what the application sees: every event the SDK delivers (after its de-duplication, so the suite
// judges what a user of the SDK would see), each subscribe ack, each state change, each resync and each error.
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const [sdkDir, url, user, ...rooms] = process.argv.slice(2);
if (!sdkDir || !url || !user || rooms.length === 0) {
  process.stderr.write('usage: node sdk-client.mjs <sdk dir> <edge ws url> <user> <room>...\n');
  process.exit(2);
}
// The SDK's own copy of ws: the fault suite has no node_modules of its own.
const WebSocket = createRequire(path.join(sdkDir, 'package.json'))('ws');
const { createRealtimeClient } = await import(pathToFileURL(path.join(sdkDir, 'dist', 'index.js')).href);

const report = (line) => process.stdout.write(JSON.stringify(line) + '\n');

let token;
let tokenArrived;
const firstToken = new Promise((resolve) => (tokenArrived = resolve));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim()) {
    token = line.trim();
    tokenArrived();
  }
});
// The suite closes stdin to stop the client: a front end that goes away closes its socket.
process.stdin.on('end', () => {
  client.close();
  setTimeout(() => process.exit(0), 200);
});

const client = createRealtimeClient({
  url,
  token: async () => {
    await firstToken;
    return token;
  },
  WebSocket,
});

client.on('event', (e) => report({ type: 'event', room: e.room, seq: e.seq ?? -1, event: e.event, eventId: e.eventId,
  messageId: e.data?.messageId ?? null }));
client.on('subscribed', (ack) => report({ type: 'subscribed', room: ack.room, resume: ack.resume ?? null }));
client.on('state', (s) => report({ type: 'state', state: s.state, code: s.code ?? null, reason: s.reason ?? null }));
client.on('resync', (r) => report({ type: 'resync', room: r.room, since: r.since ?? null, reason: r.reason }));
client.on('error', (e) => report({ type: 'error', code: e.code, message: e.message, room: e.room ?? null }));

// Subscribes before connecting: the frames go out with the first welcome, the own room's position in the upgrade.
// A conversation created a moment ago may not have reached the edge yet (room.not_found): try again, as a front end
// does.
async function follow(room) {
  for (;;) {
    const subscription = client.subscribe(room, () => {}, { since: 0 });
    try {
      await subscription.ready;
      return;
    } catch (error) {
      if (error?.code !== 'room.not_found') {
        report({ type: 'error', code: error?.code ?? 'subscribe', message: String(error?.message ?? error), room });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

for (const room of rooms) {
  void follow(room);
}
client.connect().catch((error) => report({ type: 'error', code: error?.code ?? 'connect', message: String(error) }));
