import { test, expect } from "@playwright/test";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const totals = (page) => page.locator("p.totals");
const file = (name, buffer) => ({ name, mimeType: "application/json", buffer: Buffer.from(buffer) });
const example = readFileSync(`${root}docs/exemple-catalogue.json`);

async function chooseCentre(page, name) {
  await page.goto("/mon-centre");
  await page.getByRole("button", { name, exact: true }).click();
  // A centre this browser holds no key of is chosen only once what that means is said.
  await page.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
  await expect(page.getByText(`Vous agissez maintenant pour : ${name}.`)).toBeVisible();
}

async function exportAll(page) {
  await page.goto("/");
  await expect(totals(page)).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter tout le catalogue" }).click()]);
  const doc = JSON.parse(readFileSync(await download.path(), "utf8"));
  return { name: download.suggestedFilename(), doc, text: readFileSync(await download.path(), "utf8") };
}

/** The catalogue of an export, without when it was exported. */
function content(doc) {
  const { exporte_le, ...rest } = doc;
  return rest;
}

async function importBuffer(page, name, buffer) {
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles(file(name, buffer));
}

async function confirmImport(page) {
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
}

async function clearStorage(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Storage.clearDataForOrigin", { origin: new URL(page.url()).origin, storageTypes: "all" });
}

test("un nouveau centre crée, adapte, évalue, exporte, et retrouve tout après avoir vidé le navigateur", async ({ page }) => {
  // Actions that write ask for a centre first.
  await page.goto("/prototypes/nouveau");
  await page.locator("main").getByRole("link", { name: "Choisir mon centre" }).click();
  await page.getByRole("button", { name: "Centre social Lazare Garreau", exact: true }).click();
  await page.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
  await expect(page).toHaveURL(/\/prototypes\/nouveau$/);
  await expect(page.locator(".my-centre")).toHaveText("Mon centre : Centre social Lazare Garreau");

  // Create, with a 3-step livret; a missing title is flagged next to the field.
  await page.getByRole("button", { name: "Enregistrer le prototype" }).click();
  await expect(page.locator("#titre-erreurs")).toHaveText("le titre est vide");
  await expect(page.getByLabel("Titre (obligatoire)")).toBeFocused();
  await page.getByLabel("Titre (obligatoire)").fill("Atelier selfies et droit à l'image");
  await page.getByLabel("Résumé (obligatoire)").fill("Les ados apprennent à publier des photos sans exposer les autres.");
  await page.getByLabel("Thème").selectOption({ label: "Communication" });
  await page.getByLabel("Objectifs").fill("Connaître le droit à l'image\nRégler la confidentialité de son compte");
  await page.getByLabel("Durée", { exact: true }).fill("2 séances de 1 h 30");
  await page.getByLabel("Étape 1 : titre").fill("Photo-langage");
  await page.getByLabel("Étape 1 : ce qui se passe").fill("Chacun choisit une photo et dit s'il la publierait.");
  await page.getByLabel("Étape 2 : titre").fill("Réglages");
  await page.getByLabel("Étape 2 : ce qui se passe").fill("On règle ensemble la confidentialité des comptes.");
  await page.getByLabel("Étape 3 : titre").fill("Charte du groupe");
  await page.getByLabel("Étape 3 : ce qui se passe").fill("Le groupe écrit ses règles de publication.");
  // Reorder: step 3 goes up.
  await page.getByRole("button", { name: "Monter l'étape 3" }).click();
  await expect(page.getByLabel("Étape 2 : titre")).toHaveValue("Charte du groupe");
  // The draft survives an accidental reload.
  await page.reload();
  await expect(page.getByText("Un brouillon non enregistré a été retrouvé et rétabli.")).toBeVisible();
  await expect(page.getByLabel("Titre (obligatoire)")).toHaveValue("Atelier selfies et droit à l'image");
  await page.getByRole("button", { name: "Aperçu du livret" }).click();
  await expect(page.locator(".preview-livret .steps > li")).toHaveCount(3);
  await page.getByRole("button", { name: "Enregistrer le prototype" }).click();
  await expect(page).toHaveURL(/\/prototypes\/lazare-garreau-atelier-selfies-et-droit-a-l-image$/);
  await expect(page.getByText("Le prototype est enregistré.")).toBeVisible();
  await expect(page.locator(".steps > li h4")).toHaveText(["Photo-langage", "Charte du groupe", "Réglages"]);

  // Adapt another centre's prototype, and change it.
  await page.goto("/prototypes/echo-accueil");
  await page.getByRole("button", { name: "Adapter pour mon centre" }).click();
  await expect(page).toHaveURL(/\/prototypes\/lazare-garreau-diagnostic-numerique-premier-pas-a-l-accueil-du-centre\/modifier$/);
  // The form opens on a copy of the original.
  await expect(page.getByLabel("Titre (obligatoire)")).toHaveValue("Diagnostic numérique « premier pas » à l'accueil du centre");
  await page.getByLabel("Titre (obligatoire)").fill("Diagnostic numérique à la sortie de l'école");
  await page.getByLabel("Durée", { exact: true }).fill("15 minutes");
  await page.getByRole("button", { name: "Enregistrer le prototype" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Diagnostic numérique à la sortie de l'école");
  await expect(page.locator(".credit").first()).toContainText("Adapté de : Diagnostic numérique « premier pas » à l'accueil du centre");
  await page.getByRole("link", { name: "Comparer avec l'original" }).click();
  await expect(page.locator(".compare tbody th")).toHaveText(["Titre", "Durée"]);
  // The original shows its new adaptation.
  await page.goto("/prototypes/echo-accueil");
  await expect(page.locator(".adaptation-list")).toContainText("Diagnostic numérique à la sortie de l'école");

  // Rate it twice: the second report replaces the first.
  await page.getByLabel("4 sur 5").check();
  await page.getByLabel("Nombre d'habitants qui ont participé").fill("7");
  await page.getByLabel("Comment ça s'est passé ?").fill("Bon accueil des familles.");
  await page.getByRole("button", { name: "Publier notre rapport" }).click();
  await expect(page.getByText("Merci ! Votre rapport d'expérience est publié.")).toBeVisible();
  await expect(page.locator(".report")).toHaveCount(4);
  await page.getByLabel("2 sur 5").check();
  await page.getByLabel("Comment ça s'est passé ?").fill("Finalement trop long pour nos familles.");
  await page.getByRole("button", { name: "Mettre à jour notre rapport" }).click();
  await expect(page.getByText("Votre rapport d'expérience a été mis à jour.")).toBeVisible();
  await expect(page.locator(".report")).toHaveCount(4);
  await expect(page.locator(".report").filter({ hasText: "Lazare Garreau" })).toContainText("note 2 sur 5");
  await expect(page.locator(".report").filter({ hasText: "Lazare Garreau" })).toContainText("Finalement trop long");

  // Export, clear the browser, import: everything is back identically.
  const before = await exportAll(page);
  expect(before.name).toMatch(/^prototheque-lazare-garreau-\d{4}-\d{2}-\d{2}\.json$/);
  expect(before.doc.prototypes.length).toBe(50);
  await clearStorage(page);
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
  await chooseCentre(page, "Centre social Lazare Garreau");
  await importBuffer(page, before.name, before.text);
  await confirmImport(page);
  const after = await exportAll(page);
  expect(content(after.doc)).toEqual(content(before.doc));
});

test("chaque fichier hostile est refusé avec un message et ne change rien", async ({ page }) => {
  const dir = `${root}tests/fixtures/hostile/`;
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
  let refused = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    if (readFileSync(`${dir}${name.replace(/\.json$/, ".expected")}`, "utf8").trim() === "ACCEPTE") continue;
    await importBuffer(page, name, readFileSync(`${dir}${name}`));
    await expect(page.getByRole("alert"), name).toContainText("n'a pas été importé");
    await expect(page.getByRole("button", { name: "Importer ces données" })).toHaveCount(0);
    refused++;
  }
  expect(refused).toBeGreaterThanOrEqual(30);
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
});

test("importer deux fois le même fichier ne change rien la seconde fois", async ({ page }) => {
  await importBuffer(page, "a.json", example);
  await confirmImport(page);
  const once = await exportAll(page);
  await importBuffer(page, "a.json", example);
  // The example's centres are unsigned copies of the seed's signed ones: left out, and said so.
  await expect(page.locator(".preview-summary")).toHaveText("Ce fichier apporte : 3 éléments inchangés.");
  // Folded away.
  await expect(page.locator("details.unchanged summary")).toHaveText("3 éléments inchangés");
  await expect(page.locator("details.unchanged .preview-items").first()).toBeHidden();
  await expect(page.locator(".preview-trust")).toContainText("2 versions ignorées");
  await confirmImport(page);
  const twice = await exportAll(page);
  expect(content(twice.doc)).toEqual(content(once.doc));
});

test("importer A puis B donne le même catalogue que B puis A", async ({ browser }) => {
  // B: another centre's concurrent edit of a prototype of A, and a new report.
  const b = JSON.parse(example.toString());
  const radio = b.prototypes.find((p) => p.id === "echo-web-radio");
  radio.modifie_par = "arbrisseau";
  radio.titre = "Web radio (version de l'Arbrisseau)";
  b.evaluations.push({ prototype: "echo-web-radio", centre: "echo", revision: 1, modifie_par: "echo", modifie_le: "2026-05-01T10:00:00Z", note: 5, participants: 4, date: "2026-04-30" });
  const B = JSON.stringify(b);
  const results = [];
  for (const order of [[["a.json", example], ["b.json", B]], [["b.json", B], ["a.json", example]]]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const [name, buffer] of order) {
      await importBuffer(page, name, buffer);
      await confirmImport(page);
    }
    results.push(content((await exportAll(page)).doc));
    // The concurrent versions are both kept and the page says so.
    await page.goto("/prototypes/echo-web-radio");
    await expect(page.getByRole("heading", { name: "Versions en conflit" })).toBeVisible();
    await context.close();
  }
  expect(results[0]).toEqual(results[1]);
});

test("le centre auteur règle un conflit en gardant une version", async ({ page }) => {
  const b = JSON.parse(example.toString());
  const radio = b.prototypes.find((p) => p.id === "echo-web-radio");
  radio.modifie_par = "arbrisseau";
  radio.titre = "Web radio (version de l'Arbrisseau)";
  await importBuffer(page, "a.json", example);
  await confirmImport(page);
  await importBuffer(page, "b.json", JSON.stringify(b));
  await expect(page.locator(".preview-summary")).toContainText("1 prototype en conflit");
  await expect(page.getByRole("heading", { level: 3, name: "Conflits : les deux versions sont gardées" })).toBeVisible();
  await confirmImport(page);
  await chooseCentre(page, "Centre social l'Echo");
  await page.goto("/prototypes/echo-web-radio");
  await expect(page.locator(".conflicts li")).toHaveCount(2);
  await page.getByRole("button", { name: /Garder la version 2/ }).click();
  await expect(page.getByText("Le conflit est réglé")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Versions en conflit" })).toHaveCount(0);
});
