// Runs under the Node 22 from the `node` dev dependency (fauxqs needs node:sqlite, Node >= 22.5).
// Started by fauxqs-server.ts; prints {"port":N} once listening on 127.0.0.1, stops on SIGTERM.
import { buildApp } from "fauxqs";

// buildApp rather than startFauxqs: startFauxqs always listens on 0.0.0.0.
const app = buildApp({ logger: false, host: "127.0.0.1", defaultRegion: "us-east-1" });
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
const stop = () => {
  app.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent died without stopping us: do not outlive it.
process.stdin.on("end", stop);
process.stdin.resume();
