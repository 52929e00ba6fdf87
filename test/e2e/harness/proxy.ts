// A loopback forward proxy for the proxy test: it serves CONNECT tunnels (VS Code's fetch tunnels
// even http:// URLs) and absolute-form requests (`GET http://host/...`), resolves names only it
// knows (e.g. fused.proxy-only.test -> 127.0.0.1), and logs every request, so a test can prove
// that the extension's traffic went through VS Code's proxy support.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyLogEntry {
  /** 'CONNECT' for a tunnel, else the forwarded request's method. */
  method: string;
  /** host:port for CONNECT, the absolute URL otherwise. */
  target: string;
  /** What the proxy did: 'tunnel', 'forwarded', or why it refused. */
  outcome: string;
}

export interface ForwardProxy {
  /** http://127.0.0.1:PORT, for `http.proxy`. */
  url: string;
  port: number;
  log: ProxyLogEntry[];
  close(): Promise<void>;
}

/** `hosts` maps a host name to the address the proxy connects to instead (the port is kept). */
export async function startForwardProxy(hosts: Record<string, string>): Promise<ForwardProxy> {
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<net.Socket>();
  const resolve = (host: string): string | undefined => hosts[host.toLowerCase()];

  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      log.push({ method: req.method ?? '?', target: req.url ?? '', outcome: 'refused: not absolute-form' });
      res.writeHead(400).end('absolute-form requests only');
      return;
    }
    const address = resolve(target.hostname);
    if (!address || target.protocol !== 'http:') {
      log.push({ method: req.method ?? '?', target: target.href, outcome: 'refused: unknown host' });
      res.writeHead(502).end(`this proxy only knows ${Object.keys(hosts).join(', ')}`);
      return;
    }
    log.push({ method: req.method ?? '?', target: target.href, outcome: 'forwarded' });
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request({ host: address, port: Number(target.port || 80), method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const [host, portText] = (req.url ?? '').split(':');
    const address = resolve(host ?? '');
    if (!address) {
      log.push({ method: 'CONNECT', target: req.url ?? '', outcome: 'refused: unknown host' });
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    log.push({ method: 'CONNECT', target: req.url ?? '', outcome: 'tunnel' });
    const upstream = net.connect(Number(portText || 443), address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
