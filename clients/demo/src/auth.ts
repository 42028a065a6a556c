/**
 * Sign-in with OpenID Connect: the authorization code flow with PKCE (S256), as a public browser client, against
 * the issuer of config.json (the local stack's development issuer, or Keycloak under docker-compose). Tokens are
 * kept in localStorage so that every tab of the demo shares one session; refreshes are serialized across tabs
 * with the Web Locks API, because the issuer rotates refresh tokens (a used one works for a short grace only, as
 * with common providers; a strict provider refuses it at once).
 */
import { decodeJwtPayload } from '@realtime-backbone/client';
import type { DemoConfig } from './config.js';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

interface StoredSession {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
}

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

export interface Identity {
  user: string;
  name: string;
}

const SESSION_KEY = 'realtime-demo.session';
const PENDING_KEY = 'realtime-demo.pending-sign-in';
export const CALLBACK_PATH = '/auth/callback';
/** Refresh this long before expiry; the SDK asks for a new token 30 s before expiry. */
const REFRESH_MARGIN_MS = 45_000;
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

export class Auth {
  private refreshing?: Promise<string>;

  private constructor(
    private readonly config: DemoConfig,
    private readonly discovery: Discovery,
  ) {}

  static async create(config: DemoConfig): Promise<Auth> {
    const response = await fetch(`${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    if (!response.ok) {
      throw new Error(`the identity provider answered ${response.status} for its discovery document`);
    }
    return new Auth(config, (await response.json()) as Discovery);
  }

  get signedIn(): boolean {
    const session = readSession();
    return session !== undefined && (session.expiresAt > Date.now() || session.refreshToken !== undefined);
  }

  identity(): Identity | undefined {
    const session = readSession();
    if (!session) {
      return undefined;
    }
    const claims = decodeJwtPayload(session.accessToken) ?? {};
    const user = String(claims.sub ?? '');
    const name = String(claims.name ?? claims.preferred_username ?? user);
    return { user, name };
  }

  /** Sends the browser to the issuer's login page; it comes back to {@link CALLBACK_PATH}. */
  async signIn(returnTo: string): Promise<never> {
    const verifier = randomToken(32);
    const state = randomToken(16);
    const pending: PendingSignIn = { state, verifier, returnTo };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(this.discovery.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: redirectUri(),
      scope: 'openid profile email',
      state,
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
    }).toString();
    location.assign(url.toString());
    return new Promise<never>(() => {});
  }

  /** On {@link CALLBACK_PATH}: exchanges the code for tokens and answers where the user was going. */
  async completeSignIn(): Promise<string> {
    const params = new URLSearchParams(location.search);
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | null;
    sessionStorage.removeItem(PENDING_KEY);
    const error = params.get('error');
    if (error) {
      throw new Error(`sign-in refused: ${params.get('error_description') ?? error}`);
    }
    const code = params.get('code');
    if (!pending || !code || params.get('state') !== pending.state) {
      throw new Error('this sign-in answer does not belong to a sign-in started here: sign in again');
    }
    const tokens = await this.tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: this.config.clientId,
      code_verifier: pending.verifier,
    });
    writeSession(tokens);
    return pending.returnTo || '/';
  }

  /** The SDK's token provider: the stored access token, refreshed when it is about to expire. */
  async accessToken(): Promise<string> {
    const session = readSession();
    if (!session) {
      throw new Error('not signed in');
    }
    if (session.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
      return session.accessToken;
    }
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  signOut(): void {
    const session = readSession();
    localStorage.removeItem(SESSION_KEY);
    if (!this.discovery.end_session_endpoint) {
      location.assign('/');
      return;
    }
    const url = new URL(this.discovery.end_session_endpoint);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      post_logout_redirect_uri: `${location.origin}/`,
      ...(session?.idToken ? { id_token_hint: session.idToken } : {}),
    }).toString();
    location.assign(url.toString());
  }

  private async refresh(): Promise<string> {
    const run = async (): Promise<string> => {
      // Another tab may have refreshed while this one waited for the lock.
      const current = readSession();
      if (!current) {
        throw new Error('signed out');
      }
      if (current.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
        return current.accessToken;
      }
      if (!current.refreshToken) {
        throw new Error('the session expired: sign in again');
      }
      let tokens: TokenResponse;
      try {
        tokens = await this.tokenRequest({
          grant_type: 'refresh_token',
          refresh_token: current.refreshToken,
          client_id: this.config.clientId,
        });
      } catch (error) {
        // Without Web Locks (not a secure context) another tab may have used this refresh token first: its
        // session is then the one to use. Only a refusal of the token still stored ends the session.
        const now = readSession();
        if (now && now.refreshToken !== current.refreshToken) {
          return now.accessToken;
        }
        if (error instanceof RefusedGrant) {
          localStorage.removeItem(SESSION_KEY);
        }
        throw error;
      }
      writeSession(tokens, current);
      return tokens.access_token;
    };
    return navigator.locks ? navigator.locks.request('realtime-demo.refresh', run) : run();
  }

  private async tokenRequest(form: Record<string, string>): Promise<TokenResponse> {
    const response = await fetch(this.discovery.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      // A hung request must not hold the refresh lock of every tab.
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as TokenResponse & { error?: string; error_description?: string };
    if (!response.ok || !body.access_token) {
      const message = `the identity provider refused: ${body.error_description ?? body.error ?? response.status}`;
      throw body.error === 'invalid_grant' ? new RefusedGrant(message) : new Error(message);
    }
    return body;
  }
}

/** The issuer refused the code or refresh token itself (`invalid_grant`): retrying cannot help. */
class RefusedGrant extends Error {}

interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  id_token?: string;
}

function readSession(): StoredSession | undefined {
  try {
    return (JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as StoredSession | null) ?? undefined;
  } catch {
    return undefined;
  }
}

function writeSession(tokens: TokenResponse, previous?: StoredSession): void {
  const fromToken = Number(decodeJwtPayload(tokens.access_token)?.exp) * 1000;
  const expiresAt = Number.isFinite(fromToken) ? fromToken : Date.now() + (tokens.expires_in ?? 300) * 1000;
  const session: StoredSession = {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? previous?.refreshToken,
    idToken: tokens.id_token ?? previous?.idToken,
    expiresAt,
  };
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function redirectUri(): string {
  return `${location.origin}${CALLBACK_PATH}`;
}

function randomToken(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  bytes.forEach((b) => (binary += String.fromCharCode(b)));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
