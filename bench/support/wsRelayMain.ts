/**
 * The bare baseline server: a `ws` server that sends every message it receives to every other
 * connected socket, as is. Run as its own process by wsRelay.ts; prints its port.
 */
import { WebSocketServer } from "ws";

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("connection", (socket) =>
  socket.on("message", (data, isBinary) => {
    for (const client of wss.clients) if (client !== socket) client.send(data, { binary: isBinary });
  }),
);
wss.on("listening", () => {
  const address = wss.address();
  console.log(typeof address === "object" && address ? address.port : address);
});
process.on("SIGTERM", () => wss.close(() => process.exit(0)));
