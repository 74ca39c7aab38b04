// Benchmark, not a test: the built app (dist/) refreshing catalogue feeds served by loopback
// hosts (feed-hosts.mjs), driven like a person would.
//   node bench-feeds.mjs <folder of feeds> <folder of the same feeds, some changed> <hub file> [<dist folder>]
// 1. Many subscriptions (one per file of the first folder, 200 from scripts/bench-feeds.sh),
//    made through the « Abonnements » form; then the hosts change some files: a tenth of the
//    feeds is on a host that always fails, three tenths are published again (the second
//    folder: a higher sequence and more prototypes), the rest is unchanged (answered 304).
//    « Actualiser »: requests made (conditional, 200, 304, failed), bytes transferred, time
//    until the page says the outcome, every main-thread task over 50 ms (PerformanceObserver
//    "longtask"). Then « Actualiser » once more (nothing changed since).
// 2. A hub file (20,000 prototypes from scripts/bench-feeds.sh): subscribing to it (the first
//    refresh applies it all), then « Actualiser » (304).
// Each scenario in a fresh browser profile kept on disk, as a person's browser is (not a private
// window: Chromium keeps a private window's HTTP cache in memory and stores no response over a
// few megabytes there, so it could not revalidate a hub file), on this machine's CPU and then
// slowed down four times (Chromium's CPU throttling, as in DevTools), for a phone-class CPU; the
// subscriptions themselves are made at full speed. Prints figures; asserts nothing about time.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startFeedHosts, feedHeader } from "./feed-hosts.mjs";

const [before, after, hubFile] = process.argv.slice(2, 5).map((p) => resolve(p));
const dist = process.argv[5] ?? fileURLToPath(new URL("../../dist", import.meta.url));
const port = Number(process.env.PROTOTHEQUE_BENCH_PORT ?? 4187);
const base = `http://127.0.0.1:${port}/`;

const names = readdirSync(before).filter((n) => /^prototheque-flux-.*\.json$/.test(n)).sort();
if (names.length === 0) throw new Error(`aucun flux dans ${before}`);
/** Which feeds fail, change or stay: by position, so every run is the same mix. */
const fate = (i) => (i % 10 === 0 ? "failing" : i % 10 <= 3 ? "changed" : "unchanged");
const counts = { failing: 0, changed: 0, unchanged: 0 };
names.forEach((_, i) => counts[fate(i)]++);

const server = spawn("node", [fileURLToPath(new URL("serve.mjs", import.meta.url)), resolve(dist), String(port)], { stdio: "ignore" });
// The app's host goes with this process, however it ends.
process.on("exit", () => server.kill());
const hosts = await startFeedHosts({ port: Number(process.env.PROTOTHEQUE_FEED_PORT ?? 0) });

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(base)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("le serveur de test ne répond pas");
}

/** From the start of every page load: long tasks, and each text the refresh outcome shows. */
const watchPage = () => {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push(e.duration);
  }).observe({ type: "longtask", buffered: true });
  window.__outcomes = [];
  new MutationObserver(() => {
    const text = document.getElementById("etat-actualisation")?.textContent?.trim() ?? "";
    if (window.__outcomes.at(-1)?.text !== text) window.__outcomes.push({ t: performance.now(), text });
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

const finalOutcome = /^(Tout est à jour\.|\d+ flux mis à jour, \d+ en échec\.)$/;
const settled = /^(Mis à jour|À jour|Le site qui héberge ce flux ne répond pas|Ce flux est plus ancien)/;

const describe = (tasks) => {
  const longest = tasks.length ? Math.max(...tasks) : 0;
  return `${tasks.length} tasks over 50 ms, ${tasks.filter((d) => d > 100).length} over 100 ms, longest ${Math.round(longest)} ms`;
};
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
const requests = (s) => `${s.requests} requests (${s.conditional} conditional; ${s.ok} × 200, ${s.notModified} × 304, ${s.failed} failed)`;

/** What the browser says it fetched from the feed hosts since `t0` (transfer sizes). */
const transferred = (page, t0) =>
  page.evaluate(
    ([t0, origins]) =>
      performance
        .getEntriesByType("resource")
        .filter((e) => e.startTime >= t0 && origins.some((o) => e.name.startsWith(o)))
        .reduce((sum, e) => sum + e.transferSize, 0),
    [t0, hosts.hosts.map((h) => h.origin)],
  );

async function subscribe(page, url) {
  await page.getByLabel("Adresse du flux").fill(url);
  await page.getByRole("button", { name: "S'abonner", exact: true }).click();
  await page.locator(`ul.abonnements > li[data-flux="${url}"] .etat-flux`).filter({ hasText: settled }).waitFor({ timeout: 300_000 });
}

/** Clicks « Actualiser » and measures until the outcome is shown. */
async function refresh(page, log, what) {
  hosts.resetStats();
  await page.evaluate(() => {
    window.__long = [];
    performance.clearResourceTimings();
    performance.setResourceTimingBufferSize(10_000);
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.getByRole("button", { name: "Actualiser", exact: true }).click();
  const handle = await page.waitForFunction(
    ([t0, source]) => window.__outcomes.find((o) => o.t > t0 && new RegExp(source).test(o.text)),
    [t0, finalOutcome.source],
    { timeout: 900_000, polling: 100 },
  );
  const { t, text } = await handle.jsonValue();
  const tasks = await page.evaluate(() => window.__long.slice());
  const stats = hosts.stats();
  log(`${what}: « ${text} » after ${Math.round(t - t0)} ms; ${requests(stats)}; ${mb(stats.bytes)} of feed bodies sent by the hosts, ${mb(await transferred(page, t0))} transferred as the browser counts it; ${describe(tasks)}`);
}

const launch = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
};

/** A browser with a profile of its own on disk, on the subscriptions page. */
async function newPage(slowdown) {
  const profile = mkdtempSync(join(tmpdir(), "prototheque-bench-flux-"));
  const context = await chromium.launchPersistentContext(profile, { ...launch, locale: "fr-FR" });
  await context.addInitScript(watchPage);
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await page.goto(`${base}abonnements`);
  await page.getByLabel("Adresse du flux").waitFor({ timeout: 120_000 });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  return { close, page, throttle: () => cdp.send("Emulation.setCPUThrottlingRate", { rate: slowdown }) };
}

async function manyFeeds(slowdown) {
  const log = (line) => console.log(`BENCH feeds${slowdown > 1 ? ` (CPU ×${slowdown})` : ""}: ${line}`);
  // Every scenario starts from the first folder's files.
  hosts.hosts.forEach((h) => h.files.clear());
  const urls = names.map((name, i) => {
    const path = `/${fate(i)}/${name}`;
    if (fate(i) === "failing") return hosts.failing.url(path);
    return hosts.cors.publish(path, readFileSync(join(before, name)));
  });
  const { close, page, throttle } = await newPage(slowdown);
  const start = Date.now();
  for (const url of urls) await subscribe(page, url);
  log(`${urls.length} feeds subscribed through the form (each refreshed at once, at full CPU speed) in ${((Date.now() - start) / 1000).toFixed(1)} s`);

  let bytes = 0;
  names.forEach((name, i) => {
    if (fate(i) !== "changed") return;
    const file = readFileSync(join(after, name));
    bytes += file.length;
    hosts.cors.publish(`/changed/${name}`, file);
  });
  // No reload: a start-up refresh would take the changes before « Actualiser » is measured.
  await throttle();
  await refresh(page, log, `« Actualiser » with ${counts.unchanged} unchanged, ${counts.changed} changed (${mb(bytes)} published again) and ${counts.failing} failing feeds`);
  await refresh(page, log, "« Actualiser » again, nothing changed since");
  await close();
}

async function hub(slowdown) {
  const log = (line) => console.log(`BENCH hub${slowdown > 1 ? ` (CPU ×${slowdown})` : ""}: ${line}`);
  const bytes = readFileSync(hubFile);
  const file = JSON.parse(bytes.toString());
  const url = hosts.cors.publish(`/relais/${hubFile.split("/").at(-1)}`, bytes);
  const { close, page, throttle } = await newPage(slowdown);
  await throttle();
  hosts.resetStats();
  await page.evaluate(() => {
    window.__long = [];
    performance.clearResourceTimings();
  });
  const t0 = await page.evaluate(() => performance.now());
  const start = Date.now();
  await subscribe(page, url);
  const ms = Date.now() - start;
  const tasks = await page.evaluate(() => window.__long.slice());
  const status = await page.locator(`ul.abonnements > li[data-flux="${url}"] .etat-flux`).textContent();
  const stats = hosts.stats();
  log(`subscribing to a hub file of ${file.prototypes.length} prototypes from ${file.centres.length} centres (${mb(bytes.length)}, sequence ${feedHeader(bytes).sequence}): « ${status.trim()} » after ${ms} ms; ${requests(stats)}; ${mb(stats.bytes)} sent, ${mb(await transferred(page, t0))} transferred as the browser counts it; ${describe(tasks)}`);
  await refresh(page, log, "« Actualiser » (the hub file unchanged)");
  await close();
}

try {
  await waitForServer();
  for (const slowdown of [1, 4]) {
    await manyFeeds(slowdown);
    await hub(slowdown);
  }
} finally {
  server.kill();
  await hosts.close();
}
