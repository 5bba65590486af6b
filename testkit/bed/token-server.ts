import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';

// A small bearer-token service for the registry's `auth.token` mode: the flow ghcr.io and Docker
// Hub use. It signs JWTs (RS256) with a key whose self-signed certificate (made with openssl in a
// temp dir) the registry trusts; the `kid` is the libtrust key id the registry matches on.

/** What a user may do: repository name (or `*`) → actions (`pull`, `push`). */
export type Access = Record<string, string[]>;

/** Options of `startTokenServer`. */
export interface TokenServerOptions {
  /** Users with their password and access. */
  users: Record<string, { password: string; access: Access }>;
  /** Access of requests without credentials (default none). */
  anonymous?: Access;
  /** Users the service turns away with 403 (as ghcr.io does for a token without the package scope). */
  forbidden?: string[];
  /** Token lifetime in seconds (default 300). */
  ttlSeconds?: number;
  /** OAuth refresh tokens (docker's identity tokens) and the user each stands for, for the POST grant. */
  refreshTokens?: Record<string, string>;
}

/** A running token service; `realm`, `service`, `issuer` and `rootCertPath` go into the registry's config. */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  rootCertPath: string;
  /** How many tokens were issued. */
  issued(): number;
  stop(): Promise<void>;
}

/** Starts the token service on a free loopback port. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const openssl = requireBinary('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'slipway-token-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=slipway-token', '-sha256'], { stdio: 'ignore' });
  const privateKey = createPrivateKey(readFileSync(keyPath));
  const kid = libtrustKeyId(new X509Certificate(readFileSync(certPath)).publicKey.export({ type: 'spki', format: 'der' }));
  const service = 'slipway-test-registry';
  const issuer = 'slipway-test-token-service';
  let issued = 0;

  const server = createServer((request, response) => {
    if (request.method === 'POST') {
      // The OAuth2 refresh-token grant: a form body naming the token and the scopes.
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const username = form.get('grant_type') === 'refresh_token' ? options.refreshTokens?.[form.get('refresh_token') ?? ''] : undefined;
        if (username === undefined || !options.users[username]) {
          response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'invalid refresh token' }));
          return;
        }
        answer(response, username, options.users[username].access, (form.get('scope') ?? '').split(' ').filter(Boolean));
      });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const credentials = parseBasic(request.headers.authorization);
    let access = options.anonymous ?? {};
    if (credentials) {
      const user = options.users[credentials.username];
      if (!user || user.password !== credentials.password) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'invalid credentials' }));
        return;
      }
      if (options.forbidden?.includes(credentials.username)) {
        response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'denied' }));
        return;
      }
      access = user.access;
    }
    answer(response, credentials?.username ?? '', access, url.searchParams.getAll('scope'));
  });
  const answer = (response: ServerResponse, subject: string, access: Access, scopes: string[]) => {
    const granted = scopes.flatMap((scope) => grant(scope, access));
    const now = Math.floor(Date.now() / 1000);
    const ttl = options.ttlSeconds ?? 300;
    // distribution accepts a token until 60 s past its `exp` (its Leeway): `exp` is set that much
    // earlier so that a token really stops working after `ttl` seconds.
    const claims = { iss: issuer, sub: subject, aud: service, exp: now + ttl - 60, nbf: now - 10, iat: now, jti: randomUUID(), access: granted };
    const token = jwt({ typ: 'JWT', alg: 'RS256', kid }, claims, privateKey);
    issued++;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: ttl, issued_at: new Date().toISOString() }));
  };
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertPath: certPath,
    issued: () => issued,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The granted part of a `repository:<name>:<actions>` scope. */
function grant(scope: string, access: Access): { type: string; name: string; actions: string[] }[] {
  const match = /^repository:([^:]+):(.+)$/.exec(scope);
  if (!match) return [];
  const allowed = access[match[1]] ?? access['*'] ?? [];
  const actions = match[2].split(',').filter((a) => allowed.includes(a));
  return actions.length ? [{ type: 'repository', name: match[1], actions }] : [];
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function jwt(header: object, claims: object, key: ReturnType<typeof createPrivateKey>): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`;
}

/** docker/libtrust's key id: base32 of the first 240 bits of sha256(SPKI DER), in 12 groups of 4. */
function libtrustKeyId(spki: Buffer): string {
  const bytes = createHash('sha256').update(spki).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let encoded = '';
  for (let i = 0; i < bits.length; i += 5) encoded += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return encoded.match(/.{4}/g)!.join(':');
}
