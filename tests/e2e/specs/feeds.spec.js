// Catalogue feeds (issue #21), end to end: the app on its loopback origin, feed hosts on others
// (feed-hosts.mjs: one with CORS and ETags, one without CORS, one failing, one serving an older
// sequence, one forging). Centre A, in a browser of its own (a context), publishes its feed on
// « Publier mon catalogue »; the test puts the file on a host, as a person would upload it.
// Browser B subscribes by address, refreshes (a second time with conditional requests only,
// answered 304, as counted by the host), sees A's change in « Nouveautés », undoes it; then
// every failure's French message, with nothing written, and an offline start.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createPublicKey, verify } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startFeedHosts, feedHeader, headerMessage } from "../feed-hosts.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const root = fileURLToPath(new URL("../../../", import.meta.url));

const A = "Centre social des Flux";
const title = "Atelier abonnements et flux";
const newTitle = "Atelier abonnements et flux, deuxième version";
// The feed hosts' ports: PROTOTHEQUE_FEED_PORT and the next four, else any free ones (the
// app's CSP lets it read http://127.0.0.1 on any port).
const feedPort = Number(process.env.PROTOTHEQUE_FEED_PORT ?? 0);

test("la politique de sécurité laisse lire les flux en https (et les hôtes de test en local), rien d'autre", async ({ page }) => {
  // The README's policy is serve.mjs's, but for the loopback feed hosts.
  const readme = readFileSync(`${root}README.md`, "utf8");
  const documented = readme.match(/^Content-Security-Policy: (.+)$/m)[1];
  expect(documented).toContain("connect-src 'self' https:;");
  const served = (await page.request.get("/")).headers()["content-security-policy"];
  expect(served.replace(" http://127.0.0.1:*", "")).toBe(documented);
  expect(readme).toContain(`add_header Content-Security-Policy "${documented}";`);

  const hosts = await startFeedHosts({ port: 0, kinds: ["cors"] });
  try {
    const url = hosts.cors.publish("/flux.json", Buffer.from("{}"));
    await page.goto("/");
    await expect(page.locator("p.totals")).toBeVisible();
    const tries = await page.evaluate(async (urls) => {
      const violation = new Promise((ok) => document.addEventListener("securitypolicyviolation", (e) => ok(`${e.violatedDirective} ${e.blockedURI}`)));
      const attempt = (u) => fetch(u, { cache: "no-cache", credentials: "omit" }).then((r) => r.status, (e) => e.name);
      return { allowed: await attempt(urls[0]), other: await attempt(urls[1]), violation: await violation };
    }, [url, url.replace("127.0.0.1", "localhost")]);
    expect(tries.allowed).toBe(200);
    expect(tries.other).toBe("TypeError");
    expect(tries.violation).toMatch(/^connect-src http:\/\/localhost:/);
    expect(hosts.cors.stats("/flux.json").requests).toBe(1);
  } finally {
    await hosts.close();
  }
});

let hosts, contextA, contextB, pageA, pageB;
let centreId, prototypePath, fileName;
let feedV1, feedV2; // A's two publications
const mainPath = () => `/essais/${fileName}`;

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")})`);
  });
}

/** What the catalogue's stores, the import log and the undo snapshot hold: a digest per store. */
async function stored(page) {
  return page.evaluate(async () => {
    const req = (r) => new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
    const db = await req(indexedDB.open("prototheque"));
    const names = ["centres", "prototypes", "ratings", "imports", "undo"].filter((n) => db.objectStoreNames.contains(n));
    const tx = db.transaction(names, "readonly");
    const out = {};
    for (const name of names) {
      const store = tx.objectStore(name);
      const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
      const text = JSON.stringify([keys, values], (_, v) => (ArrayBuffer.isView(v) ? Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) : v));
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
      out[name] = `${keys.length} : ${Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("")}`;
    }
    db.close();
    return out;
  });
}

/** Whether a prototype stored in this browser has `text` in its JSON. */
async function storedPrototypeWith(page, text) {
  return page.evaluate(async (text) => {
    const req = (r) => new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
    const db = await req(indexedDB.open("prototheque"));
    const rows = await req(db.transaction("prototypes").objectStore("prototypes").getAll());
    db.close();
    return rows.some((row) => new TextDecoder().decode(row.json).includes(text));
  }, text);
}

/** A's feed, downloaded from « Publier mon catalogue ». */
async function published(page) {
  await page.goto("/publier");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Publier mon catalogue");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Télécharger mon flux" }).click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

const verifies = (header) =>
  verify(null, headerMessage(header), createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: header.signature.cle }, format: "jwk" }), Buffer.from(header.signature.valeur, "base64url"));

const subscription = (page, url) => page.locator(`ul.abonnements > li[data-flux="${url}"]`);
const status = (page, url) => subscription(page, url).locator(".etat-flux");
const outcome = (page) => page.locator("#etat-actualisation");
const news = (page) => page.locator("article.nouveaute");

/** Goes to `path` inside the running app, as a link followed would: no new start-up, so no
 * start-up refresh in the middle of a step (page.goto and reload start the app again, and with
 * it a refresh of every feed due). */
async function visit(page, path) {
  if (page.url() === "about:blank") return page.goto(path);
  if (new URL(page.url()).pathname === path) return;
  await page.evaluate((path) => {
    const link = Object.assign(document.createElement("a"), { href: path });
    document.body.append(link);
    link.click();
    link.remove();
  }, path);
  await page.waitForURL((u) => u.pathname === path);
}

async function subscribe(page, url) {
  await visit(page, "/abonnements");
  await page.getByLabel("Adresse du flux").fill(url);
  await page.getByRole("button", { name: "S'abonner", exact: true }).click();
  await expect(subscription(page, url)).toBeVisible();
}

async function refreshAll(page) {
  await visit(page, "/abonnements");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Abonnements");
  await page.getByRole("button", { name: "Actualiser", exact: true }).click();
  await expect(outcome(page)).not.toHaveText(/Actualisation en cours/);
}

test.describe("un centre publie, un autre s'abonne", () => {
  test.describe.configure({ mode: "serial" });

  test.beforeAll(async ({ browser }, testInfo) => {
    hosts = await startFeedHosts({ port: feedPort });
    const options = { baseURL: testInfo.project.use.baseURL, locale: "fr-FR" };
    contextA = await browser.newContext(options);
    contextB = await browser.newContext(options);
    pageA = await contextA.newPage();
    pageB = await contextB.newPage();
  });

  test.afterAll(async () => {
    await contextA?.close();
    await contextB?.close();
    await hosts?.close();
  });

  test("A publie son flux signé ; sans clé, la page explique et mène à « Mon centre »", async () => {
    test.setTimeout(120_000);
    // Without « Mon centre » and its key, nothing to publish: the page says where to go.
    await pageB.goto("/publier");
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText("Publier mon catalogue");
    await expect(pageB.locator("main").getByRole("link", { name: /mon centre/i }).first()).toBeVisible();
    await expect(pageB.getByRole("button", { name: "Télécharger mon flux" })).toHaveCount(0);

    // A: a centre of its own (its key made here) and a prototype, signed.
    await pageA.goto("/mon-centre");
    await expect(pageA.getByRole("button", { name: "Centre social l'Echo", exact: true })).toBeVisible();
    await pageA.getByLabel("Nom du centre (obligatoire)").fill(A);
    await pageA.getByRole("button", { name: "Ajouter ce centre et agir pour lui" }).click();
    await expect(pageA.getByText(`Cet appareil peut signer pour ${A} : ce que vous publiez est « vérifié ».`)).toBeVisible();
    await pageA.goto("/prototypes/nouveau");
    await pageA.getByLabel("Titre (obligatoire)").fill(title);
    await pageA.getByLabel("Résumé (obligatoire)").fill("S'abonner au catalogue d'un autre centre et le suivre.");
    await pageA.getByRole("button", { name: "Enregistrer le prototype" }).click();
    await expect(pageA.getByText("Le prototype est enregistré.")).toBeVisible();
    prototypePath = new URL(pageA.url()).pathname;

    const feed = await published(pageA);
    const header = feedHeader(feed.bytes);
    centreId = header.editeur;
    fileName = feed.name;
    expect(fileName).toBe(`prototheque-flux-${centreId}.json`);
    expect(header).toMatchObject({ nom: A, nature: "centre" });
    expect(header.sequence).toBeGreaterThan(0);
    expect(verifies(header), "the header's signature covers its canonical JSON").toBe(true);
    const file = JSON.parse(feed.bytes.toString());
    const centre = file.centres.find((c) => c.id === centreId);
    expect(centre.cles).toContain(header.signature.cle);
    expect(file.prototypes.map((p) => p.titre)).toEqual([title]);
    expect(file.prototypes[0].signature.cle).toBe(header.signature.cle);
    feedV1 = feed.bytes;

    // How to put it online, per kind of host.
    const main = pageA.locator("main");
    await expect(main).toContainText("GitHub Pages");
    await expect(main).toContainText("Access-Control-Allow-Origin");
    await expect(main).toContainText("Nextcloud");
    await expect(main).toContainText("Publier à nouveau après chaque modification, sous le même nom");
    await pageA.setViewportSize({ width: 360, height: 740 });
    expect(await pageA.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axe(pageA)).toEqual([]);
    await pageA.setViewportSize({ width: 1280, height: 720 });

    hosts.cors.publish(mainPath(), feedV1);
  });

  test("B s'abonne par l'adresse : la nouveauté arrive ; une seconde actualisation ne fait que des requêtes conditionnelles (304)", async () => {
    test.setTimeout(120_000);
    const url = hosts.cors.url(mainPath());
    await visit(pageB, "/abonnements");
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText("Abonnements");
    await expect(pageB.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Abonnements" })).toBeVisible();

    // An address the app will not read is refused next to the field; nothing is stored.
    const field = pageB.getByLabel("Adresse du flux");
    await expect(field).toHaveAttribute("type", "url");
    await field.fill("http://exemple.fr/prototheque-flux.json");
    await pageB.getByRole("button", { name: "S'abonner", exact: true }).click();
    const described = await field.getAttribute("aria-describedby");
    expect(described).toBeTruthy();
    await expect(pageB.locator(`[id="${described.split(" ")[0]}"]`)).toContainText("Cette adresse commence par http://");
    await expect(pageB.locator("ul.abonnements > li")).toHaveCount(0);
    expect(hosts.stats().requests).toBe(0);

    // Subscribing refreshes the feed at once: A's prototype arrives.
    await subscribe(pageB, url);
    await expect(status(pageB, url)).toHaveText(/^Mis à jour/);
    await expect(subscription(pageB, url)).toContainText(A);
    await expect(subscription(pageB, url)).toContainText(url);
    await expect(subscription(pageB, url)).toContainText("Dernière actualisation : ");
    await expect(subscription(pageB, url).getByRole("button", { name: /Se désabonner/ })).toBeVisible();
    expect(hosts.cors.stats(mainPath())).toMatchObject({ requests: 1, ok: 1 });

    await visit(pageB, "/nouveautes");
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText("Nouveautés");
    await expect(news(pageB)).toHaveCount(1);
    await expect(news(pageB).first().getByRole("heading")).toHaveText(/^Actualisation du /);
    await expect(news(pageB).first()).toContainText(`Nouveau prototype : ${title} — ${A}`);
    await visit(pageB, prototypePath);
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText(title);

    // Again: the browser revalidates with the validators it kept; the host answers 304 only.
    hosts.resetStats();
    const before = await stored(pageB);
    await refreshAll(pageB);
    await expect(outcome(pageB)).toHaveText("Tout est à jour.");
    await expect(status(pageB, url)).toHaveText(/^À jour/);
    const counts = hosts.cors.stats(mainPath());
    expect(counts.requests).toBeGreaterThan(0);
    expect(counts).toMatchObject({ conditional: counts.requests, notModified: counts.requests, ok: 0 });
    expect(hosts.stats().requests, "no other request").toBe(counts.requests);
    expect(await stored(pageB)).toEqual(before);
    await visit(pageB, "/nouveautes");
    await expect(news(pageB)).toHaveCount(1);

    await visit(pageB, "/abonnements");
    await pageB.setViewportSize({ width: 360, height: 740 });
    expect(await pageB.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axe(pageB)).toEqual([]);
    await pageB.setViewportSize({ width: 1280, height: 720 });
  });

  test("A modifie et publie à nouveau : B voit la mise à jour dans « Nouveautés », puis l'annule", async () => {
    test.setTimeout(120_000);
    await pageA.goto(`${prototypePath}/modifier`);
    await pageA.getByLabel("Titre (obligatoire)").fill(newTitle);
    await pageA.getByRole("button", { name: "Enregistrer le prototype" }).click();
    await expect(pageA.getByRole("heading", { level: 1 })).toHaveText(newTitle);
    const feed = await published(pageA);
    expect(feed.name).toBe(fileName);
    const header = feedHeader(feed.bytes);
    expect(header.sequence).toBeGreaterThan(feedHeader(feedV1).sequence);
    expect(verifies(header)).toBe(true);
    feedV2 = feed.bytes;
    hosts.cors.publish(mainPath(), feedV2);

    const url = hosts.cors.url(mainPath());
    hosts.resetStats();
    await refreshAll(pageB);
    await expect(outcome(pageB)).toHaveText("1 flux mis à jour, 0 en échec.");
    await expect(status(pageB, url)).toHaveText(/^Mis à jour/);
    expect(hosts.cors.stats(mainPath())).toMatchObject({ conditional: 1, ok: 1 });

    await visit(pageB, "/nouveautes");
    await expect(news(pageB)).toHaveCount(2);
    const latest = news(pageB).first();
    await expect(latest).toContainText(`Prototype mis à jour : ${newTitle}`);
    await expect(latest).toContainText(A);
    await visit(pageB, prototypePath);
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText(newTitle);

    // Undone like an import: the catalogue is as before this refresh.
    await visit(pageB, "/nouveautes");
    await expect(pageB.getByRole("button", { name: "Annuler cette actualisation" })).toHaveCount(1);
    await news(pageB).first().getByRole("button", { name: "Annuler cette actualisation" }).click();
    await expect(news(pageB).first()).toContainText("Actualisation annulée.");
    await visit(pageB, prototypePath);
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText(title);
    await visit(pageB, "/nouveautes");
    await expect(news(pageB).first()).toContainText("Actualisation annulée.");
    expect(await axe(pageB)).toEqual([]);
  });

  test("chaque échec dit quoi faire, en français, et rien n'est écrit", async () => {
    test.setTimeout(240_000);
    const { cors, nocors, failing } = hosts;
    nocors.publish(mainPath(), feedV2);
    cors.publish("/pas-un-flux.json", Buffer.from('{"bonjour": "le monde"}'));
    cors.publish("/sans-en-tete.json", readFileSync(`${root}docs/exemple-catalogue.json`));
    cors.publishHuge("/enorme.json", 129 * 1024 * 1024); // over the door's 128 MiB
    const cases = [
      [nocors.url(mainPath()), "Le site qui héberge ce flux n'en autorise pas la lecture"],
      [failing.url(mainPath()), "Le site qui héberge ce flux ne répond pas"],
      [failing.url(`/coupe${mainPath()}`), "Le site qui héberge ce flux ne répond pas"],
      [cors.url("/absent/prototheque-flux-absent.json"), "Aucun flux à cette adresse"],
      [cors.url("/pas-un-flux.json"), "Ce fichier n'est pas un flux Prototèque"],
      [cors.url("/sans-en-tete.json"), "La signature de ce flux n'est pas valide"],
      [cors.url("/enorme.json"), "Ce flux est trop volumineux"],
    ];
    await visit(pageB, "/abonnements");
    const before = await stored(pageB);
    for (const [url, message] of cases) {
      await subscribe(pageB, url);
      await expect(status(pageB, url), url).toHaveText(new RegExp(`^${message}`));
      // The address stays as typed until the publisher is known.
      await expect(subscription(pageB, url)).toContainText(url);
    }
    expect(await stored(pageB), "nothing written").toEqual(before);
    await visit(pageB, "/nouveautes");
    await expect(news(pageB)).toHaveCount(2);

    // Each message says what to do.
    await visit(pageB, "/abonnements");
    const refused = status(pageB, nocors.url(mainPath()));
    await expect(refused).toContainText("GitHub Pages");
    await expect(refused).toContainText('Header set Access-Control-Allow-Origin "*"');
    await expect(refused).toContainText("add_header Access-Control-Allow-Origin *;");
    await expect(refused).toContainText("Nextcloud");
    await expect(status(pageB, failing.url(mainPath()))).toContainText("Nouvel essai");
    expect(failing.stats(mainPath())).toMatchObject({ requests: 1 });

    // Back-off: an automatic refresh (at start-up) leaves the failing host alone; « Actualiser »
    // tries it again at once.
    const failed = failing.stats(mainPath()).requests;
    const others = [[cors, mainPath()], [nocors, mainPath()], [cors, "/pas-un-flux.json"], [cors, "/sans-en-tete.json"]];
    const seen = others.map(([host, path]) => host.stats(path).requests);
    await pageB.goto("/");
    await expect(pageB.locator("p.totals")).toBeVisible();
    for (const [i, [host, path]] of others.entries()) {
      await expect.poll(() => host.stats(path).requests, { message: `start-up refresh of ${path}` }).toBeGreaterThan(seen[i]);
    }
    await pageB.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Abonnements" }).click();
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText("Abonnements");
    expect(failing.stats(mainPath()).requests, "the start-up refresh left the failing host alone").toBe(failed);
    await pageB.getByRole("button", { name: "Actualiser", exact: true }).click();
    await expect.poll(() => failing.stats(mainPath()).requests, { message: "« Actualiser » tries it at once" }).toBe(failed + 1);
    await expect(outcome(pageB)).toHaveText(/^\d+ flux mis à jour, [1-9]\d* en échec\.$/);
    expect(await stored(pageB), "nothing written").toEqual(before);

    // Unsubscribing takes the address off the list, and nothing else.
    const gone = cors.url("/absent/prototheque-flux-absent.json");
    const listed = await pageB.locator("ul.abonnements > li").count();
    pageB.once("dialog", (d) => d.accept());
    await subscription(pageB, gone).getByRole("button", { name: /Se désabonner/ }).click();
    await expect(subscription(pageB, gone)).toHaveCount(0);
    await expect(pageB.locator("ul.abonnements > li")).toHaveCount(listed - 1);
    expect(await stored(pageB), "nothing written").toEqual(before);
  });

  test("flux plus ancien, en-tête falsifié, autre clé, version falsifiée : refusés, rien ne change", async () => {
    test.setTimeout(180_000);
    const { older, forged } = hosts;

    // A mirror that goes back to A's first publication after serving its second.
    older.publish(mainPath(), feedV1);
    older.publish(mainPath(), feedV2);
    const olderUrl = older.url(mainPath());
    await subscribe(pageB, olderUrl);
    await expect(status(pageB, olderUrl)).toHaveText(/^Mis à jour/);
    await visit(pageB, prototypePath);
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText(newTitle);
    await visit(pageB, "/nouveautes");
    // The page reads « Nouveautés » once storage is open: count once the refresh above shows.
    await expect(news(pageB).first()).toBeVisible();
    const articles = await news(pageB).count();
    older.rollBack(mainPath());
    let before = await stored(pageB);
    await refreshAll(pageB);
    const rollback = status(pageB, olderUrl);
    await expect(rollback).toHaveText(/^Ce flux est plus ancien que celui déjà reçu/);
    await expect(rollback).toContainText(String(feedHeader(feedV1).sequence));
    await expect(rollback).toContainText(String(feedHeader(feedV2).sequence));
    expect(await stored(pageB)).toEqual(before);

    // The header changed after signing (a higher sequence, another name): its signature fails.
    const forgedUrl = forged.url(`/en-tete${mainPath()}`);
    forged.publish(`/en-tete${mainPath()}`, feedV2);
    forged.forge(`/en-tete${mainPath()}`, "header");
    await subscribe(pageB, forgedUrl);
    await expect(status(pageB, forgedUrl)).toHaveText(/^La signature de ce flux n'est pas valide/);
    expect(await stored(pageB)).toEqual(before);

    // Pinned on first use, then signed by another key: refused, with a warning.
    const keyPath = `/cle${mainPath()}`;
    const keyUrl = forged.url(keyPath);
    forged.publish(keyPath, feedV2);
    forged.forge(keyPath, "none");
    await subscribe(pageB, keyUrl);
    await expect(status(pageB, keyUrl)).toHaveText(/^(Mis à jour|À jour)/);
    before = await stored(pageB);
    forged.forge(keyPath, "key");
    await pageB.getByRole("button", { name: "Actualiser", exact: true }).click();
    const warning = subscription(pageB, keyUrl).locator(".avertissement");
    const otherKey = "Attention : ce flux est signé par une autre clé que celle enregistrée lors de l'abonnement";
    await expect(warning).toContainText(otherKey);
    await expect(pageB.getByRole("alert").filter({ hasText: otherKey })).toBeVisible();
    await expect(outcome(pageB)).not.toHaveText(/Actualisation en cours/);
    expect(await stored(pageB)).toEqual(before);

    // A version changed under its author's signature: the header is sound, the version refused.
    const versionUrl = forged.url(`/version${mainPath()}`);
    forged.publish(`/version${mainPath()}`, feedV2);
    forged.forge(`/version${mainPath()}`, "version");
    await subscribe(pageB, versionUrl);
    await expect(status(pageB, versionUrl)).toHaveText(/^(Mis à jour|À jour)/);
    expect(forged.stats(`/version${mainPath()}`)).toMatchObject({ requests: 1, ok: 1 });
    expect(await storedPrototypeWith(pageB, "Falsifié")).toBe(false);
    await visit(pageB, prototypePath);
    await expect(pageB.getByRole("heading", { level: 1 })).toHaveText(newTitle);

    await visit(pageB, "/nouveautes");
    await expect(news(pageB)).toHaveCount(articles);
  });

  test("hors ligne au démarrage : les abonnements gardent leur dernier état, et la page le dit", async () => {
    test.setTimeout(120_000);
    await visit(pageB, "/abonnements");
    await pageB.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    const count = await pageB.locator("ul.abonnements > li").count();
    expect(count).toBeGreaterThan(5);
    const url = hosts.cors.url(mainPath());
    const lastState = await status(pageB, url).textContent();
    const before = await stored(pageB);
    hosts.resetStats();

    await contextB.setOffline(true);
    try {
      await pageB.reload();
      await expect(pageB.getByRole("heading", { level: 1 })).toHaveText("Abonnements");
      await expect(pageB.getByText(/Vous êtes hors ligne : vos abonnements seront actualisés au retour de la connexion\. Dernière actualisation : .+\./)).toBeVisible();
      await expect(pageB.locator("ul.abonnements > li")).toHaveCount(count);
      await expect(subscription(pageB, url)).toContainText(A);
      await expect(status(pageB, url)).toHaveText(lastState);
      await pageB.getByRole("button", { name: "Actualiser", exact: true }).click();
      await expect(pageB.getByText(/Vous êtes hors ligne : vos abonnements seront actualisés au retour de la connexion/)).toBeVisible();
      await expect(status(pageB, url)).toHaveText(lastState);
      await visit(pageB, prototypePath);
      await expect(pageB.getByRole("heading", { level: 1 })).toHaveText(newTitle);
      expect(await stored(pageB)).toEqual(before);
      expect(hosts.stats().requests, "no request reached a host").toBe(0);
    } finally {
      await contextB.setOffline(false);
    }
  });
});
