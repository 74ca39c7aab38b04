// Two centres, two browsers (two contexts, each its own storage), files between them as between
// two real computers: A creates and exports; B imports it (A's key pinned at first meeting),
// checks A's fingerprint, adapts and reports, exports; A imports B's file; then files forged in
// A's name — a changed content under A's signature, an unsigned « newer » version, a version
// signed by another key — change nothing of A's, and the preview names what it refused.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";

const A = "Centre social des Signatures";
const B = "Maison de quartier des Vérifications";
const title = "Atelier clés et empreintes";
const badge = (page) => page.locator(".prototype > .signature-line .trust");

async function addCentre(page, name) {
  await page.goto("/mon-centre");
  // The catalogue is loaded (the centres are listed) before the form is used.
  await expect(page.getByRole("button", { name: "Centre social l'Echo", exact: true })).toBeVisible();
  await page.getByLabel("Nom du centre (obligatoire)").fill(name);
  await page.getByRole("button", { name: "Ajouter ce centre et agir pour lui" }).click();
  await expect(page.getByText(`Vous agissez maintenant pour : ${name}.`)).toBeVisible();
}

async function exported(page) {
  await page.goto("/");
  await expect(page.locator("p.totals")).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter tout le catalogue" }).click()]);
  return readFileSync(await download.path());
}

async function preview(page, name, buffer) {
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name, mimeType: "application/json", buffer });
  await expect(page.getByRole("button", { name: "Importer ces données" })).toBeVisible();
}

async function imported(page, name, buffer) {
  await preview(page, name, buffer);
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
}

test("deux centres s'échangent des fichiers signés ; un fichier forgé au nom de A ne change rien", async ({ page, browser }, testInfo) => {
  // A: a centre of its own (its key made here) and a prototype, signed.
  await addCentre(page, A);
  await page.goto("/prototypes/nouveau");
  await page.getByLabel("Titre (obligatoire)").fill(title);
  await page.getByLabel("Résumé (obligatoire)").fill("Comprendre ce qu'une signature prouve.");
  await page.getByRole("button", { name: "Enregistrer le prototype" }).click();
  await expect(page.getByText("Le prototype est enregistré.")).toBeVisible();
  const url = new URL(page.url()).pathname;
  await expect(badge(page)).toContainText(`Vérifié — signé par ${A}`);
  const fromA = await exported(page);
  const fileA = JSON.parse(fromA.toString());
  const protoA = fileA.prototypes.find((p) => p.titre === title);
  expect(protoA.signature.cle).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const centreA = fileA.centres.find((c) => c.nom === A);
  expect(centreA.cles).toContain(protoA.signature.cle);

  // B, in a browser of its own: A's file imports, its key is pinned at first meeting.
  const other = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: "fr-FR" });
  const pageB = await other.newPage();
  await preview(pageB, "a.json", fromA);
  await expect(pageB.locator(".preview-trust")).toContainText(`nouveau centre « ${centreA.id} » : sa clé`);
  await expect(pageB.locator(".preview-trust")).toContainText("première rencontre");
  await pageB.getByRole("button", { name: "Importer ces données" }).click();
  await expect(pageB.getByText("Import terminé")).toBeVisible();
  await pageB.goto(url);
  // Pinned, but not vouched for: shown, and not counted, until a person checks the fingerprint.
  await expect(badge(pageB)).toContainText("Non vérifié");
  await pageB.goto("/confiance");
  const row = pageB.locator(`main li[data-id="${centreA.id}"]`);
  await expect(row.locator(".trust-level")).toHaveText("première rencontre");
  pageB.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: "J'ai vérifié cette empreinte avec le centre" }).click();
  await expect(row.locator(".trust-level")).toHaveText("vérifié à la main");
  await pageB.goto(url);
  await expect(badge(pageB)).toContainText(`Vérifié — signé par ${A}`);

  // B adds itself, adapts A's prototype and reports on it, then exports.
  await addCentre(pageB, B);
  await pageB.goto(url);
  await pageB.getByRole("button", { name: "Adapter pour mon centre" }).click();
  await pageB.getByLabel("Titre (obligatoire)").fill(`${title} (version de B)`);
  await pageB.getByRole("button", { name: "Enregistrer le prototype" }).click();
  await expect(badge(pageB)).toContainText(`Vérifié — signé par ${B}`);
  await pageB.goto(url);
  await pageB.getByLabel("4 sur 5").check();
  await pageB.getByLabel("Nombre d'habitants qui ont participé").fill("9");
  await pageB.getByRole("button", { name: "Publier notre rapport" }).click();
  await expect(pageB.getByText("Merci ! Votre rapport d'expérience est publié.")).toBeVisible();
  const fromB = await exported(pageB);

  // A imports B's file: nothing refused, B's work arrives (B pinned at first meeting).
  await preview(page, "b.json", fromB);
  await expect(page.locator(".warning-box")).toHaveCount(0);
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
  await page.goto(url);
  await expect(page.locator(".adaptation-list")).toContainText(`${title} (version de B)`);
  await expect(badge(page)).toContainText(`Vérifié — signé par ${A}`);

  // Files forged in A's name, sent to B.
  const forged = (change) => {
    const doc = JSON.parse(fromA.toString());
    change(doc.prototypes.find((p) => p.titre === title), doc);
    return Buffer.from(JSON.stringify(doc));
  };
  // A's signature over different bytes.
  const changed = forged((p) => { p.titre = "Titre forgé sous la signature de A"; });
  await preview(pageB, "forge-1.json", changed);
  await expect(pageB.locator(".warning-box")).toContainText("la signature ne correspond pas au contenu");
  await pageB.getByRole("button", { name: "Importer ces données" }).click();
  await expect(pageB.getByText("Import terminé")).toBeVisible();
  // An unsigned « newer » version dated in 9999.
  const unsigned = forged((p) => {
    delete p.signature;
    p.revision = 99;
    p.modifie_le = "9999-12-31T23:59:59Z";
    p.titre = "Titre forgé sans signature";
  });
  await preview(pageB, "forge-2.json", unsigned);
  await expect(pageB.locator(".preview-trust")).toContainText("ignorée");
  await pageB.getByRole("button", { name: "Importer ces données" }).click();
  await expect(pageB.getByText("Import terminé")).toBeVisible();
  // Signed by another key (B's own), in A's name.
  const fileB = JSON.parse(fromB.toString());
  const keyB = fileB.centres.find((c) => c.nom === B).cles[0];
  const otherKey = forged((p) => { p.signature.cle = keyB; });
  await preview(pageB, "forge-3.json", otherKey);
  await expect(pageB.locator(".warning-box")).toContainText("version refusée");
  await pageB.getByRole("button", { name: "Abandonner" }).click();

  // A's prototype in B's browser is A's, as A signed it.
  await pageB.goto(url);
  await expect(pageB.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(badge(pageB)).toContainText(`Vérifié — signé par ${A}`);
  await other.close();
});
