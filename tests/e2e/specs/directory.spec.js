// The network's directory of feeds as the build ships it (public/flux/, listed in reseau.json):
// every centre's feed is served beside the list, at the address the list gives relative to
// itself, signed by the key the list gives that centre; the service worker never answers a feed
// from its cache (scripts/precache.sh leaves flux/ out), while it does answer the list; and
// « Abonnements » subscribes to a centre of the directory, whose feed then verifies and applies.
import { test, expect } from "@playwright/test";

const totals = (page) => page.locator("p.totals");

async function untilControlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

/** Fetches `path` (relative to the app's base) from the page; the outcome, or the error's name. */
function fetchFromPage(page, path) {
  return page.evaluate(async (path) => {
    const url = new URL(path, document.baseURI).href;
    try {
      const response = await fetch(url, { cache: "no-cache", credentials: "omit" });
      return { url, status: response.status, body: response.ok ? await response.json() : null };
    } catch (e) {
      return { url, error: e.name };
    }
  }, path);
}

const port = Number(process.env.PROTOTHEQUE_E2E_PORT ?? 4173);
for (const [where, base] of [["à la racine", `http://127.0.0.1:${port}/`], ["sous un sous-chemin", `http://127.0.0.1:${port + 1}/prototheque/`]]) {
  test(`l'annuaire des flux du réseau ${where} : un flux signé par centre, jamais servi par le cache hors ligne`, async ({ context }) => {
    const page = await context.newPage();
    await page.goto(base);
    await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
    await untilControlled(page);

    const list = await fetchFromPage(page, "reseau.json");
    expect(list.status).toBe(200);
    const centres = list.body.centres;
    expect(centres).toHaveLength(8);
    const feeds = [];
    for (const centre of centres) {
      expect(centre.flux).toBe(`flux/prototheque-flux-${centre.id}.json`);
      // Relative to the list's own address.
      const feed = await fetchFromPage(page, new URL(centre.flux, list.url).href);
      expect(feed.url).toBe(`${base}flux/prototheque-flux-${centre.id}.json`);
      expect(feed.status).toBe(200);
      expect(feed.body.format).toBe("prototheque-catalogue");
      expect(feed.body.flux).toMatchObject({ editeur: centre.id, nom: centre.nom, nature: "centre" });
      expect(centre.cles).toContain(feed.body.flux.signature.cle);
      expect(feed.body.centres.map((c) => c.id)).toContain(centre.id);
      feeds.push(feed.url);
    }

    // Nothing of flux/ is in the service worker's cache, whatever was fetched.
    const cached = await page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
      }
      return urls;
    });
    expect(cached).toContain(`${base}reseau.json`);
    expect(cached.filter((url) => url.includes("/flux/"))).toEqual([]);

    // Offline: the list still comes from the cache, a feed never does.
    await context.setOffline(true);
    expect((await fetchFromPage(page, "reseau.json")).status).toBe(200);
    for (const url of feeds) {
      expect(await fetchFromPage(page, url)).toEqual({ url, error: "TypeError" });
    }
    await context.setOffline(false);
  });
}

test("« Abonnements » propose les 8 centres de l'annuaire ; s'abonner à l'un lit son flux vérifié, déjà à jour", async ({ page }) => {
  const base = `http://127.0.0.1:${port}/`;
  await page.goto(base);
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
  await page.goto(`${base}abonnements`);
  const directory = page.locator("section.centres-reseau");
  await expect(directory.getByRole("heading", { name: "Centres du réseau" })).toBeVisible();
  await expect(directory.getByRole("button", { name: /^S'abonner au flux de / })).toHaveCount(8);

  await directory.getByRole("button", { name: "S'abonner au flux de Centre social l'Echo" }).click();
  const echo = page.locator(`ul.abonnements li[data-flux="${base}flux/prototheque-flux-echo.json"]`);
  // Read, its header and versions verified against the list's key: the seed already holds
  // what Echo's feed holds, so nothing is new (any refusal would say so instead).
  await expect(echo.locator(".etat-flux")).toHaveText(/^À jour/);
  await expect(echo.locator(".date-flux")).not.toHaveText(/jamais/);
  await expect(echo.locator(".etat-flux")).not.toHaveClass(/avertissement/);
  await expect(echo.locator(".nom-flux")).toHaveText("Centre social l'Echo");
  await expect(directory.getByRole("button", { name: /^S'abonner au flux de / })).toHaveCount(7);

  // The same file again: unchanged.
  await page.getByRole("button", { name: "Actualiser", exact: true }).click();
  await expect(page.locator("#etat-actualisation")).toHaveText("Tout est à jour.");
  await expect(echo.locator(".etat-flux")).toHaveText(/^À jour/);
});
