// The producer of the fan-out benchmark: a back-end service publishing to a Socket.IO cluster through Redis
// with @socket.io/redis-emitter, without being a Socket.IO server itself.
//   stdout: "ready" once connected to Redis; on "stop":
//           {"type":"sent","step":<step>,"events":<n>,"perRoom":{"<room>":<n>,...}}
//   stdin:  "rate <eventsPerSecond> <step> <rooms> <payloadBytes> <roomPrefix>" starts a step (replacing any
//           running one, silently); "stop" ends it and prints the sent line; "quit" (or end of stdin) exits.
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import { createClient } from "redis";
import { Emitter } from "@socket.io/redis-emitter";

const client = createClient({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
client.on("error", (err) => console.error("redis:", err.message));
await client.connect();
const emitter = new Emitter(client);

// At most this many emits per macrotask: lets the Redis socket drain and stdin be read during a catch-up.
const MAX_BURST = 256;

let run = null; // the current step; a tick of a replaced step sees run !== itself and ends
let last = { step: null, events: 0, perRoom: new Map() };

const epochMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

function start(rate, step, rooms, payloadBytes, prefix) {
  // The pad is sized once, for the longest room name and a 16-digit t, so events are "about" payloadBytes.
  const probe = { s: step, n: 1, room: prefix + (rooms - 1), t: epochMicros(), pad: "" };
  const pad = "x".repeat(Math.max(0, payloadBytes - JSON.stringify(probe).length));
  const self = { step, events: 0, perRoom: new Map() };
  run = last = self;
  const begin = performance.now();

  // Paced on elapsed time, not on timers: whatever the timer granularity (about 1 ms), the number sent so
  // far tracks rate * elapsed, so late wake-ups are caught up instead of lowering the rate.
  const tick = () => {
    if (run !== self) return;
    const due = Math.floor((rate * (performance.now() - begin)) / 1000);
    let burst = 0;
    while (self.events < due && burst < MAX_BURST) {
      const room = prefix + Math.floor(Math.random() * rooms);
      const n = (self.perRoom.get(room) ?? 0) + 1;
      self.perRoom.set(room, n);
      self.events++;
      burst++;
      emitter.to(room).emit("message:new", { s: step, n, room, t: epochMicros(), pad });
    }
    // Still behind: continue right after pending I/O. Caught up: sleep one timer tick (not a busy loop).
    if (self.events < due) setImmediate(tick);
    else setTimeout(tick, 1);
  };
  tick();
}

function stop() {
  run = null;
  process.stdout.write(JSON.stringify({
    type: "sent", step: last.step, events: last.events, perRoom: Object.fromEntries(last.perRoom),
  }) + "\n");
}

let quitting = false;
async function quit() {
  if (quitting) return;
  quitting = true;
  run = null;
  try {
    await client.quit(); // flushes the publishes still queued in the client
  } catch (err) {
    console.error("quit:", err.message);
  }
  process.exit(0);
}

createInterface({ input: process.stdin })
  .on("line", (line) => {
    const [command, ...args] = line.trim().split(/\s+/);
    if (command === "rate") {
      const [rate, step, rooms, payloadBytes] = args.slice(0, 4).map(Number);
      const prefix = args[4];
      if (!(rate > 0) || !Number.isFinite(step) || !Number.isInteger(rooms) || rooms < 1 || !(payloadBytes >= 0) || !prefix) {
        console.error(`bad rate command: ${line}`);
        return;
      }
      start(rate, step, rooms, payloadBytes, prefix);
    } else if (command === "stop") {
      stop();
    } else if (command === "quit") {
      quit();
    } else if (command !== "") {
      console.error(`unknown command: ${line}`);
    }
  })
  // The parent harness owns this process: if it goes away, so does the producer.
  .on("close", quit);

process.on("SIGTERM", quit);
process.on("SIGINT", quit);
process.stdout.write("ready\n");
