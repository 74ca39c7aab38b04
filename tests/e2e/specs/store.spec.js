import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const example = { name: "exemple-catalogue.json", mimeType: "application/json", buffer: readFileSync(`${root}docs/exemple-catalogue.json`) };

async function importFile(page, file) {
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles(file);
}

const totals = (page) => page.locator("p.totals");

test("un fichier importé est encore là après rechargement de la page", async ({ page }) => {
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");

  await importFile(page, example);
  await expect(page.getByRole("heading", { name: "Aperçu de « exemple-catalogue.json »" })).toBeVisible();
  await expect(page.locator(".preview-summary")).toHaveText("Ce fichier apporte : 2 nouveaux prototypes, 1 nouveau rapport d'expérience.");
  // Each record by its title and centre, its id aside, grouped by what happens to it and by kind.
  const news = page.locator(".preview-group").filter({ has: page.getByRole("heading", { level: 3, name: "Nouveautés" }) });
  await expect(news.getByRole("heading", { level: 4 })).toHaveText(["Prototypes (2)", "Rapports d'expérience (1)"]);
  await expect(news.getByText("Web radio « Les Échos du quartier » — Centre social l'Echo (echo-web-radio)")).toBeVisible();
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé : 2 nouveaux prototypes, 1 nouveau rapport d'expérience.", { exact: true })).toBeVisible();

  await page.getByRole("navigation").getByRole("link", { name: "Catalogue" }).click();
  await expect(totals(page)).toHaveText("50 prototypes partagés par 8 centres");
  await page.reload();
  await expect(totals(page)).toHaveText("50 prototypes partagés par 8 centres");
  await expect(page.getByRole("heading", { name: "Web radio « Les Échos du quartier »", exact: true })).toBeVisible();
});

test("rien n'est écrit tant que l'import n'est pas confirmé", async ({ page }) => {
  await importFile(page, example);
  await page.getByRole("button", { name: "Abandonner" }).click();
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
});

test("un fichier invalide est refusé avec un message clair et ne change rien", async ({ page }) => {
  const bad = { name: "pirate.json", mimeType: "application/json", buffer: readFileSync(`${root}tests/fixtures/hostile/javascript-link.json`) };
  await importFile(page, bad);
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("« pirate.json » n'a pas été importé");
  await expect(alert).toContainText("Le fichier contient 1 erreur ; rien n'a été importé.");
  await expect(alert).toContainText("n'est pas un lien accepté");
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
});

test("« Annuler cet import » remet le catalogue dans son état précédent", async ({ page }) => {
  await importFile(page, example);
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await page.getByRole("button", { name: "Annuler cet import" }).click();
  await expect(page.getByText("L'import a été annulé")).toBeVisible();
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
});

test("un deuxième onglet voit l'import sans être rechargé", async ({ context }) => {
  const first = await context.newPage();
  await first.goto("/");
  await expect(totals(first)).toHaveText("48 prototypes partagés par 8 centres");
  const second = await context.newPage();
  await second.goto("/");
  await expect(totals(second)).toHaveText("48 prototypes partagés par 8 centres");

  await importFile(first, example);
  await first.getByRole("button", { name: "Importer ces données" }).click();
  await expect(first.getByText("Import terminé")).toBeVisible();
  await expect(totals(second)).toHaveText("50 prototypes partagés par 8 centres");
});

test("un stockage qui refuse d'écrire donne un message clair et ne laisse rien à moitié", async ({ page, context }) => {
  // No room at all for this origin: storing the shipped catalogue must fail, and say so.
  const cdp = await context.newCDPSession(page);
  const origin = `http://127.0.0.1:${process.env.PROTOTHEQUE_E2E_PORT ?? 4173}`;
  await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: 1 });
  await page.goto("/");
  // (Chromium's override does not change what navigator.storage.estimate() says, so the app
  // cannot tell this from another refusal: both messages say nothing was saved.)
  await expect(page.getByRole("alert")).toContainText("rien n'a été enregistré");

  // Room again: the whole catalogue is stored, nothing was left half-written.
  await cdp.send("Storage.overrideQuotaForOrigin", { origin });
  await page.reload();
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
});

test("une écriture refusée dit si le stockage est plein ou si le navigateur refuse, et n'enregistre rien", async ({ page }) => {
  const arbrisseau = page.getByRole("button", { name: "Centre social l'Arbrisseau", exact: true });
  // Choosing a centre this browser holds no key of is confirmed in the panel it opens.
  const unsigned = page.getByRole("button", { name: "Agir pour ce centre sans clé" });
  await page.goto("/mon-centre");
  await arbrisseau.click();
  await expect(unsigned).toBeVisible();
  // The browser refuses the next writes, as a full storage, then for another reason.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    window.refusal = "QuotaExceededError";
    IDBObjectStore.prototype.put = function (...args) {
      if (window.refusal) throw new DOMException("refus simulé", window.refusal);
      return put.apply(this, args);
    };
  });
  await unsigned.click();
  await expect(page.getByRole("alert")).toContainText("L'espace de stockage du navigateur est plein : rien n'a été enregistré.");
  await page.evaluate(() => (window.refusal = "UnknownError"));
  await unsigned.click();
  await expect(page.getByRole("alert")).toContainText("Le navigateur a refusé d'enregistrer les données : rien n'a été enregistré.");
  await expect(page.locator(".my-centre")).toHaveText("Choisir mon centre");

  await page.evaluate(() => (window.refusal = null));
  await unsigned.click();
  await expect(page.getByText("Vous agissez maintenant pour : Centre social l'Arbrisseau.")).toBeVisible();
  await page.reload();
  await expect(page.locator(".my-centre")).toHaveText("Mon centre : Centre social l'Arbrisseau");
});

test("un fichier déposé n'importe où sur la page d'import est pris en compte", async ({ page }) => {
  await page.goto("/importer");
  await expect(page.getByLabel("Choisir un fichier de catalogue (.json)")).toBeVisible();
  const text = example.buffer.toString("utf8");
  const transfer = await page.evaluateHandle((content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], "depose.json", { type: "application/json" }));
    return dt;
  }, text);
  await page.getByRole("heading", { level: 1 }).dispatchEvent("drop", { dataTransfer: transfer });
  await expect(page.getByRole("heading", { name: "Aperçu de « depose.json »" })).toBeVisible();
});

// The seed's prototypes are signed by their (illustrative) centres, whose keys no browser holds:
// the edits below are of an unsigned record, the example file's, which any browser may edit
// « non vérifié ».
async function importExample(page) {
  await importFile(page, example);
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
}

test("un deuxième onglet voit une modification et le centre choisi, sans être rechargé", async ({ context }) => {
  const first = await context.newPage();
  await importExample(first);
  await first.goto("/mon-centre");
  const second = await context.newPage();
  await second.goto("/prototypes/arbrisseau-web-radio");
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Web radio des jeunes de l'Arbrisseau");

  // Choosing a centre in one tab shows in the other.
  await first.getByRole("button", { name: "Centre social l'Arbrisseau", exact: true }).click();
  await first.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
  await expect(second.locator(".my-centre")).toHaveText("Mon centre : Centre social l'Arbrisseau");

  // An edit in one tab shows in the other, which reads just that record.
  await first.goto("/prototypes/arbrisseau-web-radio/modifier");
  await first.getByLabel("Titre (obligatoire)").fill("Coin numérique du quartier");
  await first.getByRole("button", { name: "Enregistrer le prototype" }).click();
  await expect(first.getByRole("heading", { level: 1 })).toHaveText("Coin numérique du quartier");
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Coin numérique du quartier");
  await second.goto("/?q=quartier%20coin");
  await expect(second.locator("li.card").first()).toContainText("Coin numérique du quartier");
});

test.describe("sans service worker", () => {
  test.use({ serviceWorkers: "block" });

  test("si le code qui lit les enregistrements annoncés par un autre onglet ne peut pas être téléchargé, tout est relu", async ({ context }) => {
    const first = await context.newPage();
    await importExample(first);
    await first.goto("/mon-centre");
    await first.getByRole("button", { name: "Centre social l'Arbrisseau", exact: true }).click();
    await first.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
    await expect(first.getByText("Vous agissez maintenant pour : Centre social l'Arbrisseau.")).toBeVisible();
    await first.goto("/prototypes/arbrisseau-web-radio/modifier");
    const second = await context.newPage();
    let refused = 0;
    await second.route(/\/split_tab_records\.wasm$/, (route) => {
      refused += 1;
      return route.abort("internetdisconnected");
    });
    await second.goto("/prototypes/arbrisseau-web-radio");
    await expect(second.getByRole("heading", { level: 1 })).toHaveText("Web radio des jeunes de l'Arbrisseau");

    await first.getByLabel("Titre (obligatoire)").fill("Coin numérique du quartier");
    await first.getByRole("button", { name: "Enregistrer le prototype" }).click();
    await expect(first.getByRole("heading", { level: 1 })).toHaveText("Coin numérique du quartier");
    await expect(second.getByRole("heading", { level: 1 })).toHaveText("Coin numérique du quartier");
    expect(refused).toBeGreaterThan(0);
  });
});
