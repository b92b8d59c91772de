/**
 * The bare baseline of bench/fanout.ts: a `ws` server that sends every frame its publisher (the
 * socket at `/publish`) sends to every other socket, as is; what subscribers send is read and
 * dropped. Run as its own process by broadcast.ts; prints its port.
 */
import { WebSocketServer, type WebSocket } from "ws";

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
const subscribers = new Set<WebSocket>();
wss.on("connection", (socket, req) => {
  if (req.url === "/publish") {
    socket.on("message", (data, isBinary) => {
      for (const subscriber of subscribers) subscriber.send(data, { binary: isBinary });
    });
    return;
  }
  subscribers.add(socket);
  socket.on("close", () => subscribers.delete(socket));
});
wss.on("listening", () => {
  const address = wss.address();
  console.log(typeof address === "object" && address ? address.port : address);
});
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
