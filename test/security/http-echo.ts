import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server that records each request's headers and answers `status` with `body(headers)` (and a `Location` once told). */
export async function startHttpEcho(status: number, body: (headers: IncomingHttpHeaders) => string = () => '') {
  const seen: IncomingHttpHeaders[] = [];
  let location: string | undefined;
  const server = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    request.on('end', () => response.writeHead(status, { 'content-type': 'text/html', ...(location ? { location } : {}) }).end(body(request.headers)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    /** Answers with this `Location` from now on. */
    redirectTo: (url: string) => {
      location = url;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
