// Signatures as people see them: the badges of the prototype page, the « Confiance » page, what
// an unsigned file and a centre met first in a file are shown as, and what « Mon centre » may
// change from a browser that does not hold its key.
import { test, expect } from "@playwright/test";
import { generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const seed = JSON.parse(readFileSync(`${root}public/catalogue.json`, "utf8"));
const file = (name, text) => ({ name, mimeType: "application/json", buffer: Buffer.from(text) });

const badge = (page) => page.locator(".prototype > .signature-line .trust");
const rows = (page) => page.locator("main li[data-id]");

// A seed prototype with reports from other centres, and its centre.
const reported = seed.prototypes.find((p) => seed.evaluations.filter((e) => e.prototype === p.id).length >= 2);
const reports = seed.evaluations.filter((e) => e.prototype === reported.id);
const centreName = (id) => seed.centres.find((c) => c.id === id).nom;

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")})`);
  });
}

async function importText(page, name, text) {
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles(file(name, text));
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
}

async function exportAll(page) {
  await page.goto("/");
  await expect(page.locator("p.totals")).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Exporter tout le catalogue" }).click(),
  ]);
  return JSON.parse(readFileSync(await download.path(), "utf8"));
}

async function chooseCentre(page, name) {
  await page.goto("/mon-centre");
  await page.getByRole("button", { name, exact: true }).click();
  // The demo's centres are illustrative: acting for one is chosen explicitly, without its key.
  await page.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
  await expect(page.locator(".my-centre")).toHaveText(`Mon centre : ${name}`);
}

/** The fingerprint of a base64url key, as docs/format.md states it. */
function fingerprint(key) {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const bits = Buffer.from(key, "base64url").readBigUInt64BE(0);
  let code = "";
  for (let i = 0; i < 12; i++) {
    if (i > 0 && i % 4 === 0) code += "-";
    code += alphabet[Number((bits >> BigInt(59 - 5 * i)) & 31n)];
  }
  return code;
}

/** Compact JSON with every object's keys sorted by their UTF-8 bytes (docs/format.md). */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** `entry` (one version of a file's list) signed with `privateKey`, whose public half is `key`. */
function signed(list, entry, key, privateKey) {
  const { id, conflits, versions_remplacees, signature, ...version } = entry;
  const message = `prototheque-signature-1\n${list}\n${id}\n${canonical(version)}`;
  return { ...entry, signature: { cle: key, valeur: sign(null, Buffer.from(message), privateKey).toString("base64url") } };
}

/** A version of the seed, unsigned, with `changes`. */
function unsignedCopy(entry, changes) {
  const { signature, conflits, versions_remplacees, adapte_de, ...rest } = entry;
  return { ...rest, revision: 1, modifie_par: "essai", modifie_le: "2026-05-02T10:00:00Z", ...changes };
}

/** A catalogue file of a new centre « essai » and one prototype of its own (and, with `report`,
 * its report on a seed prototype), none of it signed; the centre lists `keys`. */
function unsignedFile({ keys = [], report = false } = {}) {
  const { cles, cles_revoquees, ...centre } = unsignedCopy(seed.centres[0], { id: "essai", nom: "Centre social d'essai" });
  return {
    format: "prototheque-catalogue",
    version: "1.0",
    exporte_par: "essai",
    exporte_le: "2026-05-02T10:00:00Z",
    // A report names its prototype, which names its centre: both in the file, as the seed has them.
    centres: [{ ...centre, ...(keys.length ? { cles: keys } : {}) }, ...(report ? [seed.centres.find((c) => c.id === reported.centre)] : [])],
    prototypes: [unsignedCopy(seed.prototypes[0], { id: "essai-atelier", centre: "essai", titre: "Atelier d'essai" }), ...(report ? [reported] : [])],
    evaluations: report
      ? [unsignedCopy(reports[0], { id: `${reported.id}:essai`, centre: "essai", commentaire: "Très bien." })]
      : [],
  };
}

test("les prototypes du catalogue fourni et leurs rapports sont vérifiés, signés par des centres de la liste du réseau", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`/prototypes/${reported.id}`);
  await expect(badge(page)).toHaveText(`Vérifié — signé par ${centreName(reported.centre)} (liste du réseau)`);
  await expect(badge(page)).toHaveClass(/trust-ok/);
  // Every report, each with its own badge.
  const shown = page.locator(".report-list .report");
  await expect(shown).toHaveCount(reports.length);
  for (const r of reports) {
    await expect(shown.filter({ hasText: centreName(r.centre) }).locator(".trust"))
      .toHaveText(`Vérifié — signé par ${centreName(r.centre)} (liste du réseau)`);
  }
  await expect(page.getByText(/rapports? non vérifiés?/)).toHaveCount(0);
  // The badge leads to the « Confiance » page.
  await badge(page).click();
  await expect(page).toHaveURL(/\/confiance$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confiance");
});

test("la page Confiance liste les 8 centres avec leurs empreintes, et dit ce que la démonstration permet de signer", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto("/");
  await page.getByRole("link", { name: "Confiance et signatures" }).click();
  await expect(page).toHaveURL(/\/confiance$/);
  await expect(rows(page)).toHaveCount(8);
  for (const c of seed.centres) {
    const row = page.locator(`main li[data-id="${c.id}"]`);
    await expect(row).toContainText(c.nom);
    await expect(row.locator(".trust-level")).toHaveText("liste du réseau");
    await expect(row.locator(".fingerprint")).toHaveText(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    // The network vouches for them: nothing for a person to check or withdraw.
    await expect(row.getByRole("button")).toHaveCount(0);
  }
  await expect(page.getByText(/Les 8 centres de la démonstration sont illustratifs : leurs clés ont servi une seule fois/)).toBeVisible();
  expect(await axe(page)).toEqual([]);
  // The label page says what counts, and links here.
  await page.goto("/label");
  await page.getByRole("link", { name: "Voir la confiance accordée à chaque centre" }).click();
  await expect(page).toHaveURL(/\/confiance$/);
});

test("un fichier non signé importé est affiché « Non vérifié » et ne compte pas", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("p.totals")).toBeVisible();
  await importText(page, "essai.json", JSON.stringify(unsignedFile({ report: true })));

  await page.goto("/prototypes/essai-atelier");
  await expect(badge(page)).toHaveText("Non vérifié — aucune signature");
  await expect(badge(page)).toHaveClass(/trust-no/);

  // Its report is shown, marked, and left out of the average.
  await page.goto(`/prototypes/${reported.id}`);
  const mine = page.locator(".report-list .report").filter({ hasText: "Centre social d'essai" });
  await expect(mine.locator(".trust")).toHaveText("Non vérifié — aucune signature");
  await expect(page.getByText("1 rapport non vérifié : il ne compte ni pour le label ni pour les indicateurs.")).toBeVisible();
  await expect(page.locator(".reports .summary")).toContainText(`${reports.length} rapports vérifiés`);

  await page.goto("/confiance");
  await expect(rows(page)).toHaveCount(9);
  const essai = page.locator('main li[data-id="essai"]');
  await expect(essai.locator(".trust-level")).toHaveText("aucune clé");
  await expect(essai.locator(".fingerprint")).toHaveCount(0);
  await expect(essai.getByRole("button")).toHaveCount(0);
});

test("un centre rencontré dans un fichier compte une fois son empreinte vérifiée, et plus une fois la vérification retirée", async ({ page, browser }) => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const key = publicKey.export({ format: "jwk" }).x;
  // The versions as the app writes them (every default filled in), to sign their exact bytes.
  await page.goto("/");
  await expect(page.locator("p.totals")).toBeVisible();
  await importText(page, "essai.json", JSON.stringify(unsignedFile({ keys: [key] })));
  const written = await exportAll(page);
  const doc = {
    ...written,
    centres: written.centres.filter((c) => c.id === "essai").map((c) => signed("centres", c, key, privateKey)),
    prototypes: written.prototypes.filter((p) => p.id === "essai-atelier").map((p) => signed("prototypes", p, key, privateKey)),
    evaluations: [],
  };

  // Another browser meets the centre for the first time in that file.
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto("/");
  await expect(other.locator("p.totals")).toBeVisible();
  await importText(other, "essai-signe.json", JSON.stringify(doc));
  await other.goto("/prototypes/essai-atelier");
  await expect(badge(other)).toHaveText("Non vérifié — centre non vérifié : ne compte pas pour le label");

  await other.goto("/confiance");
  const essai = other.locator('main li[data-id="essai"]');
  await expect(essai.locator(".trust-level")).toHaveText("première rencontre");
  await expect(essai.locator(".fingerprint")).toHaveText(fingerprint(key));
  // The dialog says how to compare; dismissing it changes nothing.
  other.once("dialog", (d) => d.dismiss());
  await essai.getByRole("button", { name: "J'ai vérifié cette empreinte avec le centre" }).click();
  await expect(essai.locator(".trust-level")).toHaveText("première rencontre");
  let asked = "";
  other.once("dialog", (d) => {
    asked = d.message();
    d.accept();
  });
  await essai.getByRole("button", { name: "J'ai vérifié cette empreinte avec le centre" }).click();
  await expect(other.getByText("Empreinte vérifiée : ce que signe « Centre social d'essai » compte maintenant pour le label et les indicateurs.")).toBeVisible();
  expect(asked).toContain("au téléphone ou en personne");
  expect(asked).toContain(fingerprint(key));
  await expect(essai.locator(".trust-level")).toHaveText("vérifié à la main");

  // Its prototype now counts, and says why; and it stays so after a reload.
  await other.goto("/prototypes/essai-atelier");
  await expect(badge(other)).toHaveText("Vérifié — signé par Centre social d'essai (vérifié à la main)");
  await other.reload();
  await expect(badge(other)).toHaveText("Vérifié — signé par Centre social d'essai (vérifié à la main)");

  await other.goto("/confiance");
  await essai.getByRole("button", { name: "Retirer ma vérification" }).click();
  await expect(essai.locator(".trust-level")).toHaveText("première rencontre");
  await other.goto("/prototypes/essai-atelier");
  await expect(badge(other)).toHaveText("Non vérifié — centre non vérifié : ne compte pas pour le label");
  await context.close();
});

test("sans la clé de son centre, ce navigateur ne modifie pas ce que le centre a signé et propose de l'adapter", async ({ page }) => {
  const owner = centreName(reported.centre);
  await chooseCentre(page, owner);
  await page.goto(`/prototypes/${reported.id}`);
  await expect(page.getByText(`Ce prototype est signé par ${owner} ; ce navigateur n'a pas sa clé. Vous pouvez l'adapter pour votre centre.`)).toBeVisible();
  await expect(page.locator(".prototype").getByRole("link", { name: "Modifier", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Adapter pour mon centre" })).toBeVisible();
  // Nor through the editor's address.
  await page.goto(`/prototypes/${reported.id}/modifier`);
  await expect(page.getByText(`Ce prototype est signé par ${owner} ; ce navigateur n'a pas sa clé.`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Enregistrer le prototype" })).toHaveCount(0);

  // A report written from here is said to be unverified before it is sent.
  const elsewhere = seed.prototypes.find((p) => p.centre !== reported.centre && !seed.evaluations.some((e) => e.id === `${p.id}:${reported.centre}`));
  await page.goto(`/prototypes/${elsewhere.id}`);
  await expect(page.getByText("Ce navigateur n'a pas la clé de votre centre : votre rapport sera « non vérifié » et ne comptera pas pour le label.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Publier notre rapport" })).toBeVisible();
  // And a new prototype of its own, likewise.
  await page.goto("/prototypes/nouveau");
  await expect(page.getByText(/ce que vous enregistrez sera « non vérifié »/)).toBeVisible();
});
