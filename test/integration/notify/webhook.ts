import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A webhook receiver for the notification tests: a real HTTP server on 127.0.0.1 that keeps every
// POST it receives and answers the status the test sets.

/** One request the webhook received. */
export interface ReceivedPost {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body, parsed as JSON (the raw text when it is not JSON). */
  body: unknown;
}

export interface RunningWebhook {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  readonly posts: ReceivedPost[];
  /** The status every following request is answered with (default 200), with `headers`; `silent` never answers. */
  answer(status: number | 'silent', headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** Starts the receiver on a port the OS picks. */
export async function startWebhook(): Promise<RunningWebhook> {
  const posts: ReceivedPost[] = [];
  let status: number | 'silent' = 200;
  let extraHeaders: Record<string, string> = {};
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: the assertion then says what arrived.
      }
      posts.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      if (status === 'silent') return;
      response.writeHead(status, { 'content-type': 'text/plain', ...extraHeaders }).end(status === 200 ? 'ok' : 'internal_error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    posts,
    answer(next, headers = {}) {
      status = next;
      extraHeaders = headers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // A silent answer leaves its connection open: closed here, or close() would wait for it.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
