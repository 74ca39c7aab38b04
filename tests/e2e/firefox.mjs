// The second engine: the release build in Debian's Firefox ESR, driven through WebDriver BiDi by
// puppeteer-core (no browser download). A few journeys a centre's desk makes, in one browser
// profile, one after the other: first visit, search, a prototype's page, an import, a reload,
// and offline (the host stopped, the service worker serving). Prints one line per journey and a
// summary line; exits non-zero if one failed.
//   node firefox.mjs            (scripts/test.sh runs it after the Playwright specs)
// FIREFOX names another binary; PROTOTHEQUE_E2E_PORT moves the host as for Playwright.
import puppeteer from "puppeteer-core";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { once } from "node:events";

const root = fileURLToPath(new URL("../../", import.meta.url));
const port = Number(process.env.PROTOTHEQUE_E2E_PORT ?? 4173);
const base = `http://127.0.0.1:${port}/`;
const example = `${root}docs/exemple-catalogue.json`;
// Waiting for the app, never a fixed delay: each wait ends as soon as the page is there.
const patience = { timeout: 30_000 };
const window_height = 800;

function startHost() {
  const host = spawn("node", ["serve.mjs", `${root}dist`, String(port)], { cwd: fileURLToPath(new URL(".", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] });
  return host;
}

async function untilServed(url) {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Spaces as Playwright compares them: the catalogue's French texts hold no-break spaces.
const spaced = (s) => s.replace(/\s+/g, " ").trim();
const text = async (page, selector) => spaced(await page.$eval(selector, (e) => e.textContent));
const title = async (page) => spaced(await page.title());
async function untilText(page, selector, wanted) {
  await page.waitForFunction(
    (s, w) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(w)),
    patience,
    selector,
    wanted,
  );
}
function check(condition, message) {
  if (!condition) throw new Error(message);
}

const journeys = [
  ["première visite : des prototypes à l'arrivée, un titre, l'aide", async (page) => {
    await page.goto(base);
    await page.waitForFunction(() => document.querySelectorAll("li.card").length === 48, patience);
    check((await title(page)) === "Catalogue des prototypes — Prototèque", `titre : ${await title(page)}`);
    const top = await page.$eval("li.card", (c) => c.getBoundingClientRect().top);
    check(top < window_height, `première carte à ${top} px`);
    check((await page.$$(".how")).length === 1, "« Comment ça marche » absent");
  }],
  ["recherche : la liste et l'adresse suivent la saisie", async (page) => {
    await page.type("#recherche", "démarche");
    await page.waitForFunction(() => location.search.includes("q=d%C3%A9marche") || location.search.includes("q=démarche"), patience);
    await page.waitForFunction(() => {
      const n = document.querySelectorAll("li.card").length;
      return n > 0 && n < 48 && document.querySelector(".result-count").textContent === `${n} prototypes affichés`;
    }, patience);
  }],
  ["la page d'un prototype : son livret, son titre, le focus sur son titre", async (page) => {
    await page.goto(base);
    await page.waitForSelector("li.card h2 a", patience);
    // The link clicked in the page (cards off screen are laid out only when scrolled to, so a
    // click at coordinates measured before could land beside it).
    await page.$eval('a[href$="/prototypes/chemin-rouge-pouvoir-d-agir"]', (a) => a.click());
    await untilText(page, "h2", "Livret pédagogique");
    const h1 = "Diagnostic en marchant : la carte uMap des habitants du Chemin Rouge";
    check((await text(page, "h1")) === h1, `titre de la page : ${await text(page, "h1")}`);
    check((await title(page)) === `${h1} — Prototèque`, `titre de l'onglet : ${await title(page)}`);
    await page.waitForFunction(() => document.activeElement?.tagName === "H1", patience);
  }],
  ["un import : l'aperçu résume, puis le catalogue s'agrandit", async (page) => {
    await page.goto(`${base}importer`);
    const input = await page.waitForSelector("#fichier-catalogue", patience);
    await input.uploadFile(example);
    await untilText(page, ".preview-summary", "2 nouveaux prototypes");
    await page.click(".preview .primary");
    await untilText(page, ".success-box", "Import terminé");
  }],
  ["rechargement : l'import est toujours là", async (page) => {
    await page.goto(base);
    await page.reload();
    await untilText(page, "p.totals", "50 prototypes partagés par 8 centres");
  }],
  ["hors ligne : le service worker sert l'application et ses pages", async (page, host) => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, patience);
    const stopped = once(host, "exit");
    host.kill();
    await stopped;
    await page.reload();
    await untilText(page, "p.totals", "50 prototypes partagés par 8 centres");
    await page.goto(`${base}prototypes/echo-accueil`);
    await untilText(page, "h1", "Diagnostic numérique « premier pas » à l'accueil du centre");
  }],
];

const host = startHost();
// A host already on this port would be tested instead (and never stopped): refuse.
const failed = once(host, "exit").then(() => {
  throw new Error(`le serveur de test n'a pas pu démarrer sur le port ${port}`);
});
await Promise.race([untilServed(base), failed]);
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.env.FIREFOX ?? "/usr/bin/firefox-esr",
  headless: true,
  defaultViewport: { width: 1280, height: window_height },
  extraPrefsFirefox: { "intl.accept_languages": "fr-FR, fr" },
});
let passed = 0;
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.log(`  erreur dans la page : ${e.message}`));
  for (const [name, journey] of journeys) {
    try {
      await journey(page, host);
      passed++;
      console.log(`  ok   ${name}`);
    } catch (e) {
      console.log(`  ÉCHEC ${name} : ${e.message.split("\n")[0]}`);
    }
  }
} finally {
  await browser.close();
  if (host.exitCode === null) host.kill();
}
console.log(`Firefox (${journeys.length} parcours) : ${passed} réussis, ${journeys.length - passed} en échec.`);
process.exit(passed === journeys.length ? 0 : 1);
