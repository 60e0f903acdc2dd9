// Drive Debian's headless Chromium with playwright-core, one JSON command per stdin line.
//
//   node browser.mjs            (reads commands, answers one JSON line each)
//   {"cmd": "goto", "url": "..."}                    -> {"ok": true, "status": 200}
//   {"cmd": "evaluate", "js": "() => ..."}           -> {"ok": true, "value": ...}
//   {"cmd": "waitFor", "js": "() => ...", "timeout": ms}  -> {"ok": true, "value": ...}
//   {"cmd": "screenshot", "path": "..."}             -> {"ok": true}
//   {"cmd": "close"}                                 -> {"ok": true}, then exits
// Failures answer {"ok": false, "error": "..."}. Page console errors and uncaught
// exceptions are reported as {"event": "console"|"pageerror", "text": "..."} lines.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const profile = mkdtempSync(join(tmpdir(), "microstore-chromium-"));

// A fresh profile every run (playwright passes it as --user-data-dir).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 420, height: 800 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
page.on("console", (msg) => {
  // A page without a favicon makes the browser log a 404 for /favicon.ico: not the page's fault.
  if (msg.type() === "error" && !msg.location().url.endsWith("/favicon.ico")) {
    out({ event: "console", text: msg.text() });
  }
});
page.on("pageerror", (error) => out({ event: "pageerror", text: String(error) }));

const shutdown = async () => {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  try {
    switch (command.cmd) {
      case "goto": {
        const response = await page.goto(command.url, { waitUntil: "load" });
        out({ ok: true, status: response ? response.status() : null });
        break;
      }
      case "evaluate":
        out({ ok: true, value: await page.evaluate(`(${command.js})()`) });
        break;
      case "waitFor": {
        // Polled with evaluate (CDP Runtime.evaluate), not waitForFunction: that one builds
        // its predicate with eval inside the page, which the page's own CSP rightly forbids.
        const deadline = Date.now() + (command.timeout ?? 10000);
        let value = null;
        for (;;) {
          value = await page.evaluate(`(${command.js})()`);
          if (value) break;
          if (Date.now() > deadline) throw new Error(`waitFor timed out: ${command.js}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        out({ ok: true, value });
        break;
      }
      case "screenshot":
        await page.screenshot({ path: command.path, fullPage: true });
        out({ ok: true });
        break;
      case "close":
        await shutdown();
        out({ ok: true });
        process.exit(0);
      default:
        out({ ok: false, error: `unknown command ${command.cmd}` });
    }
  } catch (error) {
    out({ ok: false, error: String(error && error.message ? error.message : error) });
  }
}
await shutdown();
