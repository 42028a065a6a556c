// One-off end-to-end check of server.mjs and emitter.mjs (not a benchmark): a private redis-server, a JWKS
// served locally, three clients, two seconds of events at 50/s. Run: node smoke.mjs (needs redis-server).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { io } from "socket.io-client";

const here = fileURLToPath(new URL(".", import.meta.url));
const ISSUER = "http://smoke.test/realtime";
const B0 = "conversation:b0";
const B1 = "conversation:b1";
const children = [];
const cleanups = [];
let failures = 0;

function check(ok, what) {
  if (!ok) failures++;
  console.log(`${ok ? "PASS" : "FAIL"} ${what}`);
}

async function freePort() {
  const server = createTcpServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Children's stdout is read line by line; next() waits for the first line matching a pattern.
function start(name, command, args, env) {
  const child = spawn(command, args, { cwd: here, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  createInterface({ input: child.stderr }).on("line", (l) => console.error(`[${name}] ${l}`));
  const lines = [];
  let waiter = null;
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    waiter?.();
  });
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  child.tell = (line) => child.stdin.write(line + "\n");
  child.next = async (pattern, ms = 10000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = lines.findIndex((l) => pattern.test(l));
      if (i >= 0) return lines.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`${name}: no line matching ${pattern} (got ${JSON.stringify(lines)})`);
      await new Promise((resolve) => {
        waiter = resolve;
        setTimeout(resolve, 100);
      });
    }
  };
  return child;
}

async function waitForTcp(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, "127.0.0.1", () => { s.end(); resolve(true); }).on("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listening on ${port}`);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "fanout-smoke-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

  const redisPort = await freePort();
  const redis = start("redis", "redis-server", ["--port", String(redisPort), "--save", "", "--appendonly", "no"]);
  await waitForTcp(redisPort);
  const REDIS_URL = `redis://127.0.0.1:${redisPort}`;

  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "smoke", alg: "RS256", use: "sig" };
  const jwksServer = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  }).listen(0, "127.0.0.1");
  await new Promise((resolve) => jwksServer.once("listening", resolve));
  cleanups.push(() => jwksServer.close());

  const membershipsFile = join(dir, "memberships.json");
  writeFileSync(membershipsFile, JSON.stringify({ [B0]: ["u1", "u2"], [B1]: ["u3"] }));

  const server = start("server", process.execPath, ["--expose-gc", "server.mjs"], {
    PORT: "0", REDIS_URL, ISSUER, MEMBERSHIPS_FILE: membershipsFile,
    JWKS_URL: `http://127.0.0.1:${jwksServer.address().port}/jwks`,
  });
  const emitter = start("emitter", process.execPath, ["emitter.mjs"], { REDIS_URL });
  const port = Number((await server.next(/^ready \d+$/)).split(" ")[1]);
  await emitter.next(/^ready$/);
  const url = `http://127.0.0.1:${port}`;

  const token = (sub, key = privateKey) => new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "smoke" })
    .setSubject(sub).setIssuer(ISSUER).setAudience("realtime").setIssuedAt().setExpirationTime("5m").sign(key);

  // Each transport path once: upgrade from polling (the default), websocket only, polling only.
  const transports = { u1: undefined, u2: ["websocket"], u3: ["polling"] };
  const clients = {};
  const received = { u1: [], u2: [], u3: [] };
  for (const user of ["u1", "u2", "u3"]) {
    const socket = io(url, { auth: { token: await token(user) }, transports: transports[user], reconnection: false });
    cleanups.push(() => socket.close());
    socket.on("message:new", (data) => received[user].push(data));
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
    clients[user] = socket;
  }
  check(true, "3 clients connected with valid tokens");

  // Malformed input must not take the server down (checked by everything that follows).
  clients.u1.emit("room:join");
  clients.u1.emit("room:join", "not an object");
  clients.u1.emit("room:leave", { roomId: 42 });
  const noRoom = await clients.u1.timeout(2000).emitWithAck("room:join", null);
  check(noRoom.ok === false && noRoom.code === "room.not_found", `null payload refused: ${JSON.stringify(noRoom)}`);

  for (const [user, room] of [["u1", B0], ["u2", B0], ["u3", B1]]) {
    const ack = await clients[user].timeout(2000).emitWithAck("room:join", { roomId: room });
    check(ack.ok === true && ack.room === room, `${user} joins ${room}: ${JSON.stringify(ack)}`);
  }
  const refused = await clients.u3.timeout(2000).emitWithAck("room:join", { roomId: B0 });
  check(refused.ok === false && refused.code === "room.not_found", `u3 refused ${B0}: ${JSON.stringify(refused)}`);

  const before = Date.now() * 1000;
  emitter.tell("rate 50 1 2 64 conversation:b");
  await sleep(2000);
  emitter.tell("stop");
  const sent = JSON.parse(await emitter.next(/"type":"sent"/));
  console.log(`emitter: ${JSON.stringify(sent)}`);
  const expected = { u1: sent.perRoom[B0] ?? 0, u2: sent.perRoom[B0] ?? 0, u3: sent.perRoom[B1] ?? 0 };
  // Deliveries still in flight through Redis when "stop" was answered.
  for (let i = 0; i < 40 && Object.keys(expected).some((u) => received[u].length < expected[u]); i++) await sleep(50);
  await sleep(200); // and nothing extra arrives after that
  const after = Date.now() * 1000;

  check(sent.step === 1 && sent.events >= 90 && sent.events <= 110, `about 100 events in 2 s at 50/s: ${sent.events}`);
  check(sent.events === (sent.perRoom[B0] ?? 0) + (sent.perRoom[B1] ?? 0), "perRoom adds up to events");
  for (const user of ["u1", "u2", "u3"]) {
    const events = received[user];
    const room = user === "u3" ? B1 : B0;
    check(events.length === expected[user], `${user} received ${events.length} of ${expected[user]} sent to ${room}`);
    check(events.every((e) => e.room === room && e.s === 1), `${user} only got step 1 events of ${room}`);
    check(events.every((e, i) => e.n === i + 1), `${user}: n runs 1, 2, 3, ... without gap or reorder`);
    check(events.every((e) => Number.isInteger(e.t) && e.t >= before - 1e6 && e.t <= after),
      `${user}: every t is an integer epoch-micros inside the run (e.g. ${events[0]?.t})`);
    check(events.every((e) => typeof e.pad === "string"), `${user}: pad present (size ${JSON.stringify(events[0]).length} B)`);
  }

  for (const [what, tok] of [
    ["no token", undefined],
    ["garbage token", "not.a.jwt"],
    ["token signed by another key", await token("u1", (await generateKeyPair("RS256")).privateKey)],
  ]) {
    const bad = io(url, { auth: tok === undefined ? {} : { token: tok }, reconnection: false });
    const outcome = await new Promise((resolve) => {
      bad.once("connect", () => resolve("connected"));
      bad.once("connect_error", (err) => resolve(err.message));
    });
    bad.close();
    check(outcome === "unauthorized", `${what}: connect_error "${outcome}"`);
  }

  await sleep(300); // the refused clients' engine connections close
  server.tell("gc");
  const memory = JSON.parse(await server.next(/"type":"memory"/));
  console.log(`server: ${JSON.stringify(memory)}`);
  check(memory.rss > 0 && memory.heapUsed > 0 && memory.heapUsed < memory.rss, "gc: rss and heapUsed in bytes");
  check(memory.connections === 3, `gc: ${memory.connections} connections (3 clients)`);
  server.tell("stats");
  const stats = JSON.parse(await server.next(/"type":"memory"/));
  check(stats.connections === 3, `stats: ${JSON.stringify(stats)}`);

  for (const socket of Object.values(clients)) socket.close();
  emitter.tell("quit");
  server.kill("SIGTERM");
  check((await emitter.exited) === 0, "emitter exits 0 on quit");
  check((await server.exited) === 0, "server exits 0 on SIGTERM");
  redis.kill("SIGTERM");
  await redis.exited;
}

try {
  await main();
} catch (err) {
  failures++;
  console.log(`FAIL ${err.stack}`);
} finally {
  for (const cleanup of cleanups.reverse()) cleanup();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
console.log(failures === 0 ? "SMOKE PASS" : `SMOKE FAIL (${failures})`);
process.exit(failures === 0 ? 0 : 1);
