import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { freePort } from '../../testkit/bed/ports.js';

// A faulty proxy in front of a real registry, for the fault scenarios and the retry tests. Each
// request is shown to `decide`, which lets it through (undefined), answers it with an error
// status, drops the connection without an answer, or lets it through and rewrites the answer's
// body (a registry serving bytes that do not match the digest asked for). `decide` may also wait
// before answering, to line up two clients' requests (a race forced to happen).

/** What the proxy does with one request; undefined forwards it untouched. */
export type ProxyFault =
  | { status: number; retryAfter?: string }
  | 'drop'
  | { rewriteBody: (body: Buffer) => Buffer };

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. /v2/shop/app/manifests/v1 */
  path: string;
}

/** A running proxy. */
export interface RegistryProxy {
  /** host:port to use as the registry part of image names. */
  host: string;
  /** Decides each request's fate (default: forward everything); replace it at any time. */
  decide: (request: ProxiedRequest) => ProxyFault | undefined | Promise<ProxyFault | undefined>;
  /** Every request seen, in order. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to the registry at `upstream` (host:port). */
export async function startRegistryProxy(upstream: string): Promise<RegistryProxy> {
  const [upstreamHost, upstreamPort] = upstream.split(':');
  const proxy: RegistryProxy = { host: '', decide: () => undefined, requests: [], close: async () => undefined };

  const forward = (req: IncomingMessage, res: ServerResponse, rewriteBody?: (body: Buffer) => Buffer) => {
    const upstreamRequest = httpRequest({ host: upstreamHost, port: Number(upstreamPort), method: req.method, path: req.url, headers: { ...req.headers, host: upstream } }, (answer) => {
      if (!rewriteBody) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = rewriteBody(Buffer.concat(chunks));
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(body.length) }).end(body);
      });
    });
    upstreamRequest.on('error', () => req.socket.destroy());
    req.pipe(upstreamRequest);
  };

  const server = createServer((req, res) => {
    const request = { method: req.method ?? 'GET', path: req.url ?? '/' };
    proxy.requests.push(request);
    void Promise.resolve(proxy.decide(request)).then((fault) => {
      if (fault === undefined) return forward(req, res);
      if (fault === 'drop') {
        req.resume();
        return req.socket.destroy();
      }
      if ('rewriteBody' in fault) return forward(req, res, fault.rewriteBody);
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json', 'retry-after': fault.retryAfter ?? '0' }).end('{"errors":[{"code":"UNAVAILABLE","message":"injected by the test proxy"}]}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  proxy.host = `127.0.0.1:${port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}
