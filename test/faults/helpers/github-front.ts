import { createServer } from 'node:http';
import { listen, readBody } from './http-server.js';

// A pass-through in front of the GitHub simulator for the answers its fault kinds do not give:
// a revoked token (401 Bad credentials on every request) and a validation refusal (422), in
// GitHub's own words. Everything else reaches the simulator unchanged (its counts and contract
// checks still apply); Link headers are rewritten to come back through the front.

/** An answer to give instead of the simulator's. */
export interface FrontOverride {
  /** `POST /repos/o/r/deployments/1/statuses`-style request line test (method and path without query). */
  match: (method: string, path: string) => boolean;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Answers left (default: until removed). */
  times?: number;
}

export interface GitHubFront {
  url: string;
  /** Every request the front saw: method, path, and the status it answered. */
  log: { method: string; path: string; status: number }[];
  override(o: FrontOverride): void;
  /** Answers 401 Bad credentials to everything from now on (the token was revoked). */
  revoke(): void;
  /** Back to passing everything through. */
  clear(): void;
  close(): Promise<void>;
}

export const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' };

/** Starts a front for the simulator at `target` (its url). */
export async function startGitHubFront(target: string): Promise<GitHubFront> {
  let overrides: (FrontOverride & { left: number })[] = [];
  const log: GitHubFront['log'] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0];
      const method = req.method ?? 'GET';
      const hit = overrides.find((o) => o.left > 0 && o.match(method, path));
      if (hit) {
        hit.left--;
        log.push({ method, path, status: hit.status });
        res.writeHead(hit.status, { 'content-type': 'application/json; charset=utf-8', ...hit.headers }).end(JSON.stringify(hit.body));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value;
      try {
        const answer = await fetch(`${target}${req.url ?? '/'}`, { method, headers, body: body.length > 0 ? body : undefined });
        const text = await answer.text();
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (name === 'content-length' || name === 'transfer-encoding' || name === 'connection' || name === 'content-encoding') return;
          out[name] = name === 'link' ? value.split(target).join(front.url) : value;
        });
        log.push({ method, path, status: answer.status });
        res.writeHead(answer.status, out).end(text);
      } catch (error) {
        log.push({ method, path, status: 0 });
        res.destroy(error as Error);
      }
    })();
  });
  const { url, close } = await listen(server);
  const front: GitHubFront = {
    url,
    log,
    override: (o) => void overrides.push({ ...o, left: o.times ?? Infinity }),
    revoke: () => void overrides.unshift({ match: () => true, status: 401, body: BAD_CREDENTIALS, left: Infinity }),
    clear: () => void (overrides = []),
    close,
  };
  return front;
}
