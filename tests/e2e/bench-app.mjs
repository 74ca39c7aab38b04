// Benchmark, not a test: the built app (dist/) driven like a person would, at national scale.
//   node bench-app.mjs <catalogue.json> [<dist folder>]
// 1. Start-up with only the shipped catalogue: navigation → first card shown.
// 2. Import of the big file through the import page: time to the preview, time to "Import
//    terminé", the percentages the progress bar showed, and how long the page froze: every task
//    longer than 50 ms (PerformanceObserver "longtask"), its longest, and how many passed 100 ms.
// 3. Start-up again with the big catalogue stored: navigation → first card shown; typing a word.
// 4. The other pages (prototype, label, centres, indicators, printable book) reached by clicks.
// All of it twice: on this machine's CPU, then slowed down four times (Chromium's CPU throttling,
// as in DevTools' performance panel), for a phone-class CPU.
// Prints figures; asserts nothing about time.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { watchProgress } from "./progress-watch.mjs";

const file = resolve(process.argv[2]);
const dist = process.argv[3] ?? "../../dist";
const port = 4185;
const base = `http://127.0.0.1:${port}/`;
const bytes = readFileSync(file);

const server = spawn("node", ["serve.mjs", dist, String(port)], { stdio: "ignore" });

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(base)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("le serveur de test ne répond pas");
}

/** Watches long tasks from the start of every page load. */
const watchLongTasks = () => {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push(e.duration);
  }).observe({ type: "longtask", buffered: true });
};

async function firstCard(page) {
  const start = Date.now();
  await page.goto(base);
  await page.locator("li.card").first().waitFor({ timeout: 120_000 });
  const ms = Date.now() - start;
  const total = await page.locator("p.totals").textContent();
  return { ms, total };
}

const longTasks = (page) => page.evaluate(() => window.__long.slice());

/** The whole scenario in a fresh profile, with the CPU slowed down `slowdown` times. */
async function scenario(browser, slowdown) {
  const log = (line) => console.log(`BENCH app${slowdown > 1 ? ` (CPU ×${slowdown})` : ""}: ${line}`);
  const context = await browser.newContext({ locale: "fr-FR" });
  await context.addInitScript(watchLongTasks);
  await context.addInitScript(watchProgress);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: slowdown });

  const empty = await firstCard(page);
  log(`start-up with the shipped catalogue only — first card after ${empty.ms} ms (${empty.total})`);

  await page.goto(`${base}importer`);
  const input = page.getByLabel("Choisir un fichier de catalogue (.json)");
  await input.waitFor();
  await page.evaluate(() => (window.__long = []));
  let start = Date.now();
  await input.setInputFiles(file);
  const confirm = page.getByRole("button", { name: "Importer ces données" });
  await confirm.waitFor({ timeout: 600_000 });
  const readMs = Date.now() - start;
  const readLong = await longTasks(page);
  const readProgress = await page.evaluate(() => window.__progress.splice(0));

  await page.evaluate(() => (window.__long = []));
  start = Date.now();
  await confirm.click();
  await page.getByText("Import terminé").waitFor({ timeout: 900_000 });
  const writeMs = Date.now() - start;
  const writeLong = await longTasks(page);
  const writeProgress = await page.evaluate(() => window.__progress.splice(0));

  const describe = (tasks) => {
    const longest = tasks.length ? Math.max(...tasks) : 0;
    const over100 = tasks.filter((d) => d > 100).length;
    return `${tasks.length} tasks over 50 ms, ${over100} over 100 ms, longest ${Math.round(longest)} ms`;
  };
  const percents = (p) => `${p.length} values shown (${p.slice(0, 4).join(", ")} … ${p.slice(-3).join(", ")} %)`;
  log(`${(bytes.length / 1e6).toFixed(1)} MB file — read + checked + previewed in ${readMs} ms; ${describe(readLong)}; progress bar: ${percents(readProgress)}`);
  log(`confirmed import — written + indexed in ${writeMs} ms; ${describe(writeLong)}; progress bar: ${percents(writeProgress)}`);
  if (readLong.length + writeLong.length) {
    const all = [...readLong, ...writeLong].sort((a, b) => b - a).slice(0, 8).map(Math.round);
    log(`longest tasks during the import (ms): ${all.join(", ")}`);
  }

  const full = await firstCard(page);
  log(`start-up with the big catalogue stored — first card after ${full.ms} ms (${full.total}); ratio ${(full.ms / empty.ms).toFixed(1)}× the shipped-only start-up`);
  const startupLong = await longTasks(page);
  log(`start-up with the big catalogue stored: ${describe(startupLong)}`);

  // Typing a word into the search box, a key every 150 ms, like a person.
  await page.evaluate(() => (window.__long = []));
  await page.getByLabel("Rechercher un prototype").pressSequentially("atelier", { delay: 150 });
  await page.waitForTimeout(1000);
  log(`typing « atelier » in the search box with the big catalogue: ${describe(await longTasks(page))}`);

  // The other pages, reached as a person would, with the big catalogue: time until shown and
  // the longest task.
  const nav = (name) => page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name, exact: true });
  const visits = [
    ["to a prototype's page", () => page.locator("li.card h2 a").first().click(), () => page.getByRole("heading", { name: "Livret pédagogique" })],
    ["back to the catalogue", () => page.goBack(), () => page.locator("li.card").first()],
    ["to the label page", () => page.locator("li.card a.badge").first().click(), () => page.getByRole("heading", { name: /^Candidats au label/ })],
    ["to the centres page", () => nav("Centres").click(), () => page.getByRole("heading", { name: "Les centres du réseau" })],
    ["to the indicators page", () => nav("Indicateurs").click(), () => page.locator("#table-themes-centres")],
    ["to the catalogue", () => nav("Catalogue").click(), () => page.locator("li.card").first()],
    ["to the printable book (at most 50 livrets)", () => page.getByRole("link", { name: "Imprimer ces livrets" }).click(), () => page.locator("article.chapter").first()],
  ];
  for (const [name, go, shown] of visits) {
    await page.evaluate(() => (window.__long = []));
    const start = Date.now();
    await go();
    await shown().waitFor({ timeout: 120_000 });
    const ms = Date.now() - start;
    await page.waitForTimeout(1000);
    const tasks = await longTasks(page);
    log(`${name}: shown after ${ms} ms; longest task ${tasks.length ? Math.round(Math.max(...tasks)) : "< 50"} ms`);
  }
  await context.close();
}

try {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  for (const slowdown of [1, 4]) await scenario(browser, slowdown);
  await browser.close();
} finally {
  server.kill();
}
