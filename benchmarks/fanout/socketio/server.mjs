// A plain Socket.IO 4 server as a team would run it behind a load balancer: rooms, JWT auth on the handshake,
// and the Redis adapter so that any node (or the Redis emitter) can broadcast to rooms held by another node.
// The benchmark harness drives it through stdin/stdout:
//   stdout: "ready <port>" once listening and connected to Redis, then one JSON line per command;
//   stdin:  "gc"    -> runs global.gc() when started with --expose-gc, then prints the memory line
//           "stats" -> prints {"type":"memory","rss":<bytes>,"heapUsed":<bytes>,"connections":<engine clients>}
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { createClient } from "redis";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createRemoteJWKSet, jwtVerify } from "jose";

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const PORT = Number(process.env.PORT ?? 3001);
const HOST = process.env.HOST ?? "127.0.0.1";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const JWKS_URL = required("JWKS_URL");
const ISSUER = required("ISSUER");
const AUDIENCE = process.env.AUDIENCE ?? "realtime";

// Membership is static for the benchmark: loaded once, so a join costs no I/O and the figures measure
// delivery, not a membership store.
const memberships = new Map(
  Object.entries(JSON.parse(readFileSync(required("MEMBERSHIPS_FILE"), "utf8")))
    .map(([room, users]) => [room, new Set(users)]));

// The key set is fetched once and cached by jose (refetched on an unknown kid), as in production.
const jwks = createRemoteJWKSet(new URL(JWKS_URL));

const pubClient = createClient({ url: REDIS_URL });
const subClient = pubClient.duplicate();
// node-redis reconnects by itself; without a listener an error event would crash the process.
pubClient.on("error", (err) => console.error("redis pub:", err.message));
subClient.on("error", (err) => console.error("redis sub:", err.message));
await Promise.all([pubClient.connect(), subClient.connect()]);

const httpServer = createServer();
const io = new Server(httpServer, {
  serveClient: false,
  // Off by default in Socket.IO 4; kept off explicitly, like the other server, so neither compresses.
  perMessageDeflate: false,
  adapter: createAdapter(pubClient, subClient),
});

io.use(async (socket, next) => {
  try {
    const token = socket.handshake.auth?.token;
    if (typeof token !== "string") throw new Error("no token");
    const { payload } = await jwtVerify(token, jwks, {
      issuer: ISSUER, audience: AUDIENCE, algorithms: ["RS256"],
    });
    if (typeof payload.sub !== "string" || payload.sub === "") throw new Error("no subject");
    socket.data.user = payload.sub;
    next();
  } catch {
    // One answer for every cause, so a client cannot tell a bad signature from an expired token.
    next(new Error("unauthorized"));
  }
});

// Client input is untrusted: a missing ack or a malformed payload is answered (or ignored), never thrown.
function roomOf(socket, payload) {
  const room = payload?.roomId;
  return typeof room === "string" && memberships.get(room)?.has(socket.data.user) ? room : null;
}
const replier = (ack) => (typeof ack === "function" ? ack : () => {});
const NOT_FOUND = { ok: false, code: "room.not_found" };

io.on("connection", (socket) => {
  socket.on("room:join", (payload, ack) => {
    const reply = replier(ack);
    const room = roomOf(socket, payload);
    if (room === null) return reply(NOT_FOUND);
    socket.join(room);
    reply({ ok: true, room });
  });
  socket.on("room:leave", (payload, ack) => {
    const reply = replier(ack);
    const room = roomOf(socket, payload);
    if (room === null) return reply(NOT_FOUND);
    socket.leave(room);
    reply({ ok: true, room });
  });
});

function memoryLine() {
  const { rss, heapUsed } = process.memoryUsage();
  return JSON.stringify({ type: "memory", rss, heapUsed, connections: io.engine.clientsCount });
}

// The harness asks for memory figures between steps; "gc" first collects so that heapUsed is live data.
createInterface({ input: process.stdin }).on("line", (line) => {
  const command = line.trim();
  if (command === "gc") {
    if (typeof global.gc === "function") global.gc();
    process.stdout.write(memoryLine() + "\n");
  } else if (command === "stats") {
    process.stdout.write(memoryLine() + "\n");
  } else if (command !== "") {
    console.error(`unknown command: ${command}`);
  }
});

httpServer.on("error", (err) => {
  console.error("http:", err.message);
  process.exit(1);
});
httpServer.listen(PORT, HOST, () => {
  process.stdout.write(`ready ${httpServer.address().port}\n`);
});

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  // A stuck close must not keep the harness waiting forever.
  setTimeout(() => process.exit(1), 5000).unref();
  try {
    await io.close(); // disconnects the clients and closes the HTTP server
    await Promise.all([pubClient.quit(), subClient.quit()]);
    process.exit(0);
  } catch (err) {
    console.error("shutdown:", err.message);
    process.exit(1);
  }
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
