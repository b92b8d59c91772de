import { createServer, type Socket, connect } from "node:net";

export interface TcpProxy {
  url: string;
  /** Drops every open connection and refuses new ones until `restore()`: a network outage. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP relay to `targetPort` on `port` (a free one when 0), so a test can take the
 * browser's connection away. Pages opened through it have the proxy's origin: the server must list
 * it in ATELIER_ALLOWED_ORIGINS for their WebSockets.
 */
export function startTcpProxy(targetPort: number, port = 0): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      if (typeof address !== "object" || !address) return reject(new Error("The proxy has no port."));
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        cut() {
          down = true;
          for (const socket of open) socket.destroy();
        },
        restore() {
          down = false;
        },
        close() {
          for (const socket of open) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}
