// Subscribe with the reference graphql-ws client and print what arrives, one JSON line each.
//
//   node subscribe.mjs '<json config>'
//   config: {url, tokens: [..], query, variables, count}
//
// Each (re)connection sends the next token of `tokens` in connection_init (the last one is
// reused), the way an app hands its freshly refreshed token to `connectionParams`.
// Prints {"event": "connected"}, {"event": "closed", "code", "reason"}, {"event": "next",
// "payload"}, {"event": "error", "error"} and {"event": "complete"}; exits after `count`
// next messages, an error, or completion.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const config = JSON.parse(process.argv[2]);
const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");
let connections = 0;

const client = createClient({
  url: config.url,
  webSocketImpl: WebSocket,
  retryAttempts: 3,
  retryWait: async () => new Promise((resolve) => setTimeout(resolve, 100)),
  shouldRetry: () => true,
  connectionParams: () => {
    const tokens = config.tokens ?? [];
    const token = tokens[Math.min(connections, tokens.length - 1)];
    connections += 1;
    return token ? { authorization: `Bearer ${token}` } : {};
  },
  on: {
    connected: () => out({ event: "connected" }),
    closed: (event) => out({ event: "closed", code: event.code, reason: event.reason }),
  },
});

let received = 0;
const finish = async (code) => {
  await client.dispose();
  process.exit(code);
};

client.subscribe(
  { query: config.query, variables: config.variables ?? {} },
  {
    next: (payload) => {
      out({ event: "next", payload });
      received += 1;
      if (config.count && received >= config.count) finish(0);
    },
    error: (error) => {
      const detail = Array.isArray(error)
        ? error
        : error && typeof error === "object" && "code" in error
          ? { code: error.code, reason: error.reason }
          : String(error);
      out({ event: "error", error: detail });
      finish(0);
    },
    complete: () => {
      out({ event: "complete" });
      finish(0);
    },
  },
);
