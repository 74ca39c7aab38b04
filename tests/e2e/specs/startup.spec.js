import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const example = { name: "exemple-catalogue.json", mimeType: "application/json", buffer: readFileSync(`${root}docs/exemple-catalogue.json`) };

const totals = (page) => page.locator("p.totals");
const notice = (page) => page.locator(".set-aside");

// Writes, by hand, rows this version cannot read back: a prototype's text that is not UTF-8, a
// centre without its name (as a newer version might write it), a prototype of that centre, and a
// value that is not a row at all.
async function writeBadRows(page) {
  await page.evaluate(async () => {
    const req = (r) => new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
    const db = await req(indexedDB.open("prototheque"));
    const tx = db.transaction(["centres", "prototypes", "ratings"], "readwrite");
    const prototypes = tx.objectStore("prototypes");
    const damaged = await req(prototypes.get("echo-parentalite"));
    damaged.json = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    prototypes.put(damaged, "echo-parentalite");
    const text = (record) => ({ json: new TextEncoder().encode(JSON.stringify(record)) });
    const envelope = { revision: 1, modifie_par: "fantome", modifie_le: "2026-01-01T00:00:00Z" };
    tx.objectStore("centres").put(text({ id: "fantome", ...envelope, nom_v2: { fr: "Fantôme" } }), "fantome");
    prototypes.put({
      ...text({ id: "orphelin", ...envelope, titre: "Prototype orphelin", resume: "Son centre est illisible.",
        theme: "parentalite", centre: "fantome", type_usage: "atelier", cree_le: "2026-01-01" }),
      centre: "fantome",
    }, "orphelin");
    tx.objectStore("ratings").put(42, "x");
    await new Promise((ok) => (tx.oncomplete = ok));
    db.close();
  });
}

test("des lignes illisibles écrites à la main sont mises de côté, le reste du catalogue s'affiche", async ({ page }) => {
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
  await expect(notice(page)).toHaveCount(0);
  await writeBadRows(page);

  await page.reload();
  await expect(totals(page)).toHaveText("47 prototypes partagés par 8 centres");
  await expect(notice(page)).toContainText(
    "4 éléments enregistrés dans ce navigateur sont illisibles : ils ont été mis de côté, sans être effacés. Le reste du catalogue est disponible.");
  await expect(page.getByRole("heading", { name: "Parcours « Mes papiers en sécurité » : Ameli, CAF, FranceConnect et coffre-fort numérique", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Café des parents « Passage en 6e » : ÉduConnect et Pronote en pictogrammes", exact: true })).toHaveCount(0);

  // The rows set aside, as stored, in a file.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Télécharger les éléments mis de côté" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^prototheque-elements-illisibles-\d{4}-\d{2}-\d{2}\.json$/);
  const file = JSON.parse(readFileSync(await download.path(), "utf8"));
  expect(file.format).toBe("prototheque-elements-illisibles");
  expect(file.elements.map((e) => `${e.magasin}/${e.cle}`)).toEqual(
    ["centres/fantome", "prototypes/echo-parentalite", "prototypes/orphelin", "ratings/x"]);
  expect(file.elements[1].ligne.json).toEqual([0x7b, 0xff, 0xfe, 0x7d]);

  // An import, and its undo, still work.
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles(example);
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
  await page.getByRole("button", { name: "Annuler cet import" }).click();
  await expect(page.getByText("L'import a été annulé")).toBeVisible();

  // Nothing was deleted: the next start sets the same rows aside again.
  await page.goto("/");
  await expect(totals(page)).toHaveText("47 prototypes partagés par 8 centres");
  await expect(notice(page)).toContainText("4 éléments enregistrés dans ce navigateur sont illisibles");
});

test.describe("sans service worker", () => {
  test.use({ serviceWorkers: "block" });

  test("le catalogue fourni est fusionné une fois : au retour, le code d'import n'est pas téléchargé", async ({ page }) => {
    const importing = /\/split_seed_import\.wasm$/;
    let asked = 0;
    await page.route(importing, (route) => {
      asked += 1;
      return route.abort("internetdisconnected");
    });
    await page.goto("/");
    await expect(page.getByRole("alert")).toHaveText(
      "Le catalogue partagé n'a pas pu être ajouté : vérifiez la connexion à Internet, puis rechargez la page.");
    expect(asked).toBe(1);

    await page.unroute(importing);
    await page.reload();
    await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");

    // The setting naming the seed merged was written with it: nothing to merge any more.
    await page.route(importing, (route) => {
      asked += 1;
      return route.abort("internetdisconnected");
    });
    await page.reload();
    await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
    expect(asked).toBe(1);
  });

  test("si le code qui met de côté les lignes illisibles ne peut pas être téléchargé, le démarrage le dit ; il est réessayé au suivant", async ({ page }) => {
    await page.goto("/");
    await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
    await writeBadRows(page);
    const rounds = /\/split_set_aside_rows\.wasm$/;
    await page.route(rounds, (route) => route.abort("internetdisconnected"));

    await page.reload();
    await expect(page.getByRole("alert")).toHaveText(
      "Des éléments enregistrés dans ce navigateur n'ont pas pu être relus, et ce qui les met de côté n'a pas pu être téléchargé : vérifiez la connexion à Internet, puis rechargez la page. Rien n'a été modifié.");
    // The rest of the app goes on.
    await page.getByRole("navigation").getByRole("link", { name: "À propos" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("À propos de Prototèque");

    await page.unroute(rounds);
    await page.goto("/");
    await expect(totals(page)).toHaveText("47 prototypes partagés par 8 centres");
    await expect(notice(page)).toContainText("4 éléments enregistrés dans ce navigateur sont illisibles");
  });
});
