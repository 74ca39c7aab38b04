// « Mon centre » with keys: a centre added here gets this browser's key; a second browser (its
// own storage: another context) becomes one of its devices by code and fingerprint, then is
// withdrawn. Files carry every change between the two, as between two real computers.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const centre = "Centre social des Essais";
const fingerprintShape = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")})`);
  });
}

/** The whole catalogue of `page`, as a file. */
async function exported(page) {
  await page.goto("/");
  await expect(page.locator("p.totals")).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter tout le catalogue" }).click()]);
  return readFileSync(await download.path());
}

async function imported(page, buffer) {
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name: "essais.json", mimeType: "application/json", buffer });
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
}

const devices = (page) => page.locator("ul.devices > li");

test("un centre ajouté a sa clé ; il ajoute l'appareil d'un autre navigateur par son code, puis le retire", async ({ page, browser }, testInfo) => {
  // The first device: the centre is added with this browser's key (once the catalogue is here).
  await page.goto("/mon-centre");
  await expect(page.getByRole("button", { name: "Centre social l'Echo", exact: true })).toBeVisible();
  await page.getByLabel("Nom du centre (obligatoire)").fill(centre);
  await page.getByLabel("Territoire").fill("Territoire d'essai");
  await page.getByRole("button", { name: "Ajouter ce centre et agir pour lui" }).click();
  await expect(page.getByText(`Vous agissez maintenant pour : ${centre}.`)).toBeVisible();
  await expect(page.getByText(`Cet appareil peut signer pour ${centre} : ce que vous publiez est « vérifié ».`)).toBeVisible();
  await expect(page.getByRole("heading", { name: `Les appareils de ${centre}` })).toBeVisible();
  await expect(devices(page)).toHaveCount(1);
  await expect(devices(page)).toContainText("(cet appareil)");
  const first = (await devices(page).locator(".fingerprint").textContent()).trim();
  expect(first).toMatch(fingerprintShape);
  // This device's own key cannot be withdrawn, nor the last one.
  await expect(page.getByRole("button", { name: /^Retirer/ })).toHaveCount(0);

  // What is not a device code is refused, in French.
  const codeField = page.getByLabel("Code du nouvel appareil");
  await codeField.fill("pas-un-code");
  await page.getByRole("button", { name: "Vérifier le code" }).click();
  await expect(page.locator("#code-nouvel-appareil-erreurs")).toContainText("Ce n'est pas un code d'appareil : il fait 43 caractères");
  await codeField.fill("A".repeat(42) + "B"); // 43 characters, but not the one spelling of 32 bytes
  await page.getByRole("button", { name: "Vérifier le code" }).click();
  await expect(page.locator("#code-nouvel-appareil-erreurs")).toContainText("Ce n'est pas un code d'appareil");
  expect(await axe(page)).toEqual([]);

  // The second device, in a browser of its own, learns of the centre from a file.
  const other = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: "fr-FR" });
  const second = await other.newPage();
  await imported(second, await exported(page));
  await second.setViewportSize({ width: 360, height: 740 });
  await second.goto("/mon-centre");
  await second.getByRole("button", { name: centre, exact: true }).click();
  // It does not act for the centre silently: it is told how to join it.
  await expect(second.getByText("Ce centre a déjà ses clés : pour écrire en son nom depuis ce navigateur, faites ajouter cet appareil par un appareil du centre.")).toBeVisible();
  await second.getByRole("button", { name: "Ajouter cet appareil" }).click();
  const code = second.getByLabel("Code de cet appareil");
  await expect(code).toHaveValue(/^[A-Za-z0-9_-]{43}$/);
  const deviceCode = await code.inputValue();
  const secondFingerprint = (await second.locator("#empreinte-appareil").textContent()).trim();
  expect(secondFingerprint).toMatch(fingerprintShape);
  expect(secondFingerprint).not.toEqual(first);
  await expect(second.locator("ol.steps > li")).toHaveCount(3);
  expect(await second.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect(await axe(second)).toEqual([]);
  // Until the centre lists it, this browser does not sign as the centre.
  await second.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
  await expect(second.locator(".my-centre")).toHaveText(`Mon centre : ${centre}`);
  await expect(second.getByText(`Cet appareil attend d'être ajouté par un appareil du centre`)).toBeVisible();

  // The first device adds it, once the fingerprints match.
  await page.goto("/mon-centre");
  await page.getByLabel("Code du nouvel appareil").fill(`  ${deviceCode}\n`);
  await page.getByRole("button", { name: "Vérifier le code" }).click();
  await expect(page.locator("#empreinte-nouvel-appareil")).toHaveText(secondFingerprint);
  await page.getByRole("button", { name: "Les empreintes sont identiques : ajouter l'appareil" }).click();
  await expect(page.getByText(`L'appareil ${secondFingerprint} est ajouté au centre.`)).toBeVisible();
  await expect(devices(page)).toHaveCount(2);
  await expect(page.getByRole("button", { name: "Exporter le catalogue" })).toBeVisible();
  // Twice is refused.
  await page.getByLabel("Code du nouvel appareil").fill(deviceCode);
  await page.getByRole("button", { name: "Vérifier le code" }).click();
  await expect(page.locator("#code-nouvel-appareil-erreurs")).toHaveText("Cet appareil fait déjà partie du centre.");

  // The file reaches the second device: it now signs for the centre.
  await imported(second, await exported(page));
  await second.goto("/mon-centre");
  await expect(second.getByText(`Cet appareil peut signer pour ${centre} : ce que vous publiez est « vérifié ».`)).toBeVisible();
  await expect(devices(second)).toHaveCount(2);
  await expect(devices(second).filter({ hasText: "(cet appareil)" }).locator(".fingerprint")).toHaveText(secondFingerprint);

  // The first device withdraws it, after confirming.
  await page.goto("/mon-centre");
  await page.getByRole("button", { name: `Retirer l'appareil ${secondFingerprint}` }).click();
  await expect(page.getByRole("group", { name: "Confirmer le retrait" })).toContainText(`Retirer l'appareil ${secondFingerprint} ?`);
  await page.getByRole("button", { name: "Confirmer le retrait" }).click();
  await expect(page.getByText(`L'appareil ${secondFingerprint} est retiré : ce qu'il signe ne compte plus.`)).toBeVisible();
  await expect(devices(page)).toHaveCount(1);
  await expect(devices(page).locator(".fingerprint")).toHaveText(first);
  await page.reload();
  await expect(devices(page)).toHaveCount(1);

  // Once the second device has the file, it no longer signs for the centre.
  await imported(second, await exported(page));
  await second.goto("/mon-centre");
  await expect(second.getByText(`Cet appareil ne peut pas signer pour ${centre}`)).toBeVisible();
  await second.getByRole("button", { name: centre, exact: true }).click();
  await expect(second.getByText("Le centre a retiré la clé de cet appareil : ce qu'elle a signé ne compte plus.")).toBeVisible();
  await other.close();
});

test("un centre écrit avant les signatures : le choisir explique, et créer sa clé signe ce qu'il avait écrit", async ({ page }) => {
  // A centre and its prototype as a file written before signatures carries them: unsigned.
  const example = JSON.parse(readFileSync(new URL("../../../docs/exemple-catalogue.json", import.meta.url), "utf8"));
  const prototype = { ...example.prototypes[0], id: "essais-web-radio", centre: "essais", modifie_par: "essais" };
  delete prototype.adapte_de;
  const file = {
    format: example.format,
    version: example.version,
    centres: [{ id: "essais", revision: 1, modifie_par: "essais", modifie_le: "2026-01-12T09:00:00Z", nom: "Maison des essais", territoire: "Essais" }],
    prototypes: [prototype],
    evaluations: [],
  };
  await imported(page, Buffer.from(JSON.stringify(file)));

  await page.goto("/mon-centre");
  await page.getByRole("button", { name: "Maison des essais", exact: true }).click();
  const panel = page.getByRole("region", { name: "Maison des essais" });
  await expect(panel.getByText("Ce centre n'a pas encore de clé")).toBeVisible();
  await expect(panel.getByRole("heading", { name: "Maison des essais" })).toBeFocused();
  // Nothing is chosen yet.
  await expect(page.locator(".my-centre")).toHaveText("Choisir mon centre");
  expect(await axe(page)).toEqual([]);
  await panel.getByRole("button", { name: "Créer la clé de ce centre" }).click();
  await expect(page.getByText("Vous agissez maintenant pour : Maison des essais.")).toBeVisible();
  await expect(page.getByText("La clé du centre est créée : cet appareil signe pour lui. La publication qu'il avait déjà écrite est maintenant signée.")).toBeVisible();
  await expect(page.getByText("Cet appareil peut signer pour Maison des essais : ce que vous publiez est « vérifié ».")).toBeVisible();
  await expect(devices(page)).toHaveCount(1);

  // The export carries the prototype signed with the centre's key, which its version lists.
  const doc = JSON.parse((await exported(page)).toString("utf8"));
  const essais = doc.centres.find((c) => c.id === "essais");
  expect(essais.cles).toHaveLength(1);
  expect(essais.signature.cle).toEqual(essais.cles[0]);
  expect(doc.prototypes.find((p) => p.id === "essais-web-radio").signature.cle).toEqual(essais.cles[0]);
});

// Needs the seed signed (`cargo run --example sign_seed`), as trust.spec.js does.
test("un centre de la démonstration est illustratif : le choisir le dit, et l'on peut agir pour lui sans clé", async ({ page }) => {
  await page.goto("/mon-centre");
  await page.getByRole("button", { name: "Centre social l'Echo", exact: true }).click();
  const panel = page.getByRole("region", { name: "Centre social l'Echo" });
  await expect(panel).toContainText("Les huit centres du catalogue de démonstration sont illustratifs : personne ne détient leurs clés.");
  // Nobody can add a device to it, nor make its key.
  await expect(panel.getByRole("button", { name: "Ajouter cet appareil" })).toHaveCount(0);
  await expect(panel.getByRole("button", { name: "Créer la clé de ce centre" })).toHaveCount(0);
  await panel.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
  await expect(page.getByText("Vous agissez maintenant pour : Centre social l'Echo.")).toBeVisible();
  await expect(page.getByText("Cet appareil ne peut pas signer pour Centre social l'Echo : ce que vous écrivez pour lui reste « non vérifié » pour tout le monde.")).toBeVisible();
});
