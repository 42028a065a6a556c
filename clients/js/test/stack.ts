/**
 * The real system for tests outside the JVM (the SDK's tests, the demo's browser tests): the repository's launcher
 * (dev.realtime.launcher.ScriptedStack) starts an embedded Kafka broker, the development OIDC issuer, the chosen
 * services as separate processes on free ports with fresh databases, and the demo web server; it takes commands on
 * stdin (kill, stop, restart one service).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface StackUrls {
  issuerUrl: string;
  tokenEndpoint: string;
  /** The OAuth client of the demo app and the SDK on this stack's issuer. */
  webClientId: string;
  'chat-service': string;
  'realtime-edge': string;
  'activity-service'?: string;
  'notification-service'?: string;
  edgeWsUrl: string;
  demoUrl?: string;
  logDir: string;
  tokenLifetimeSeconds: string;
}

export interface StackOptions {
  /** Comma-separated modules (STACK_SERVICES); default chat-service and realtime-edge. */
  services?: string;
  tokenLifetimeSeconds?: number;
  /** The identity provider (STACK_IDP): the development issuer (default) or a real Keycloak with the repository's realm. */
  idp?: 'dev' | 'keycloak';
  /** Where target/launcher-classpath.txt is read from and the stack's own log goes: a package directory. */
  packageDir?: string;
}

/** The repository root: the nearest directory above this file with the launcher module, wherever it was compiled to. */
export const repositoryDir = findRepository(dirname(fileURLToPath(import.meta.url)));
/** clients/js. */
export const packageDir = join(repositoryDir, 'clients', 'js');

/** Short enough that the refresh and expiry tests see tokens run out; every other client refreshes in band. */
export const TOKEN_LIFETIME_SECONDS = 12;

export class TestStack {
  private readonly waiters: { resolve: (line: string) => void }[] = [];

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly urls: StackUrls,
    readonly stderrLog: string,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const ownDir = options.packageDir ?? packageDir;
    const classpath = launcherClasspath(ownDir);
    const logDir = join(ownDir, 'target');
    mkdirSync(logDir, { recursive: true });
    const stderrLog = join(logDir, options.idp === 'keycloak' ? 'test-stack-keycloak.log' : 'test-stack.log');
    const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
    const child = spawn(java, ['-cp', classpath, 'dev.realtime.launcher.ScriptedStack'], {
      cwd: repositoryDir,
      env: {
        ...process.env,
        STACK_REPO_DIR: repositoryDir,
        STACK_SERVICES: options.services ?? 'chat-service,realtime-edge',
        STACK_IDP: options.idp ?? 'dev',
        STACK_TOKEN_LIFETIME: `PT${options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS}S`,
        // The same small JVMs as the Java end-to-end test: several services share two cores during the build.
        STACK_SERVICE_JVM_OPTS: '-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr.pipe(createWriteStream(stderrLog));
    const lines = createInterface({ input: child.stdout });
    let stack: TestStack | undefined;
    const ready = new Promise<StackUrls>((resolveReady, rejectReady) => {
      child.once('exit', (code) => rejectReady(new Error(`the test stack exited with ${code}; see ${stderrLog}`)));
      lines.on('line', (line) => {
        if (line.startsWith('STACK-READY ')) {
          resolveReady(JSON.parse(line.slice('STACK-READY '.length)) as StackUrls);
        } else if (line.startsWith('STACK-ERROR start')) {
          rejectReady(new Error(line));
        } else if (line.startsWith('STACK-OK ') || line.startsWith('STACK-ERROR ')) {
          stack?.waiters.shift()?.resolve(line);
        }
      });
    });
    const urls = await ready;
    stack = new TestStack(child, urls, stderrLog);
    return stack;
  }

  /** Runs one command (`kill realtime-edge`, `restart realtime-edge`, ...) and waits until it is done. */
  async command(command: string): Promise<void> {
    const answer = await new Promise<string>((resolveAnswer) => {
      this.waiters.push({ resolve: resolveAnswer });
      this.child.stdin.write(`${command}\n`);
    });
    if (!answer.startsWith('STACK-OK ')) {
      throw new Error(answer);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.stdin.end('quit\n');
    await exited;
  }

  get chatUrl(): string {
    return this.urls['chat-service'];
  }

  get edgeUrl(): string {
    return this.urls['realtime-edge'];
  }

  get edgeWsUrl(): string {
    return this.urls.edgeWsUrl;
  }

  /** A real access token from the issuer's password grant of the web client (the demo users' password = user name). */
  async token(user: string): Promise<string> {
    return this.tokenRequest(
      new URLSearchParams({ grant_type: 'password', client_id: this.urls.webClientId, username: user, password: user }),
    );
  }

  /** A token of the `service` client, for the edge's server API. */
  async serviceToken(): Promise<string> {
    return this.tokenRequest(
      new URLSearchParams({ grant_type: 'client_credentials', client_id: 'service', client_secret: 'service-secret' }),
    );
  }

  private async tokenRequest(form: URLSearchParams): Promise<string> {
    const response = await fetch(this.urls.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (!response.ok) {
      throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
    }
    return ((await response.json()) as { access_token: string }).access_token;
  }
}

function findLauncherJar(): string {
  const target = join(repositoryDir, 'launcher', 'target');
  const jar = existsSync(target)
    ? readdirSync(target).find((name) => /^launcher-.*\.jar$/.test(name) && !/-(sources|javadoc)\.jar$/.test(name))
    : undefined;
  if (!jar) {
    throw new Error(`no launcher jar in ${target}: build first (./mvnw -o package -DskipTests -pl chat-service,realtime-edge,launcher -am)`);
  }
  return join(target, jar);
}

/**
 * The launcher and its runtime classpath. The Maven build of this module writes it to target/launcher-classpath.txt
 * (launcher included); when the tests run on their own (npm test) and that file is missing, it is computed with the
 * same Maven call local-stack.sh makes, plus the launcher jar.
 */
function launcherClasspath(ownDir: string): string {
  const written = join(ownDir, 'target', 'launcher-classpath.txt');
  if (existsSync(written)) {
    return readFileSync(written, 'utf8').trim();
  }
  const computed = join(ownDir, 'target', 'launcher-dependencies.txt');
  mkdirSync(dirname(computed), { recursive: true });
  const result = spawnSync(
    join(repositoryDir, 'mvnw'),
    ['-q', '-o', '-pl', 'launcher', 'dependency:build-classpath', `-Dmdep.outputFile=${computed}`, '-Dmdep.includeScope=runtime'],
    { cwd: repositoryDir, stdio: 'inherit' },
  );
  if (result.status !== 0 || !existsSync(computed)) {
    throw new Error('could not compute the launcher classpath with Maven');
  }
  return `${findLauncherJar()}:${readFileSync(computed, 'utf8').trim()}`;
}

function findRepository(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'launcher', 'pom.xml')) && existsSync(join(dir, 'pom.xml'))) {
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new Error(`no repository (a folder with launcher/pom.xml) above ${start}`);
    }
  }
}
