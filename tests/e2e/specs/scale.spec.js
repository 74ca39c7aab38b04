import { test, expect } from "@playwright/test";
import { watchProgress } from "../progress-watch.mjs";
import { readFileSync } from "node:fs";

/** A catalogue of `n` valid prototypes from `c` centres, built here so the test needs no tool. */
function synthetic(n, c = 20) {
  const at = "2026-06-01T10:00:00Z";
  const themes = ["accueil", "parentalite", "pouvoir-d-agir", "lutte-contre-les-exclusions", "communication", "action-globale", "e-administration"];
  const centres = Array.from({ length: c }, (_, i) => ({ id: `centre-${i}`, revision: 1, modifie_par: `centre-${i}`, modifie_le: at, nom: `Centre social n° ${i}`, territoire: `Territoire ${i % 4}` }));
  const prototypes = Array.from({ length: n }, (_, i) => ({
    id: `proto-${String(i).padStart(5, "0")}`, revision: 1, modifie_par: `centre-${i % c}`, modifie_le: at,
    titre: `Atelier numérique n° ${i}`, resume: `Prototype de démonstration n° ${i}.`, theme: themes[i % 7],
    centre: `centre-${i % c}`, type_usage: "atelier", cree_le: "2026-05-01",
  }));
  return JSON.stringify({ format: "prototheque-catalogue", version: "1.0", centres, prototypes, evaluations: [] });
}

test("un grand catalogue reste léger : une page de cartes, des pages suivantes, et le retour à la même position", async ({ page }) => {
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name: "grand.json", mimeType: "application/json", buffer: Buffer.from(synthetic(1000)) });
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible({ timeout: 60_000 });
  await page.goto("/");
  await expect(page.locator("p.totals")).toHaveText("1 048 prototypes partagés par 28 centres");
  await expect(page.locator(".result-count")).toHaveText("1 048 prototypes trouvés : 1 à 60 affichés");
  expect(await page.locator("li.card").count()).toBeLessThanOrEqual(200);
  await expect(page.locator("li.card")).toHaveCount(60);
  await page.getByRole("link", { name: "Page suivante" }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(page.locator(".result-count")).toHaveText("1 048 prototypes trouvés : 61 à 120 affichés");
  // The printable book gathers at most 50 livrets, and says so.
  await page.goto("/livrets");
  await expect(page.locator(".notice")).toContainText(/Cette recherche donne 1.048 livrets : trop pour un seul document. Seuls les 50 premiers/);
  await expect(page.locator("article.chapter")).toHaveCount(50);
  await expect(page.locator(".toc li")).toHaveCount(50);
  await page.goto("/?page=2");
  // Search narrows and starts again at page 1.
  await page.getByLabel("Rechercher un prototype").fill("atelier numérique 99");
  await expect(page).not.toHaveURL(/page=/);

  // Scroll down the list, open a prototype, come back: same place.
  await page.goto("/?page=3");
  await expect(page.locator("li.card")).toHaveCount(60);
  const card = page.locator("li.card").nth(40);
  await card.scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
  const title = await card.locator("h2").textContent();
  // Cards that came into view are laid out in the next frames and may move it a little.
  const settled = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await settled();
  const top = (await card.boundingBox()).y;
  await card.locator("h2 a").click();
  await expect(page.getByRole("heading", { name: "Livret pédagogique" })).toBeVisible();
  await page.goBack();
  await expect(page.locator("li.card")).toHaveCount(60);
  // The card that was opened is back where it was in the window.
  const again = page.locator("li.card", { has: page.getByRole("heading", { name: title, exact: true }) });
  await expect.poll(async () => Math.abs((await again.boundingBox()).y - top)).toBeLessThan(30);
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
});

test("l'import d'un gros fichier montre sa progression en pour cent, puis le résultat", async ({ page }) => {
  // Every value the progress bar takes, from the start of the page.
  await page.addInitScript(watchProgress);
  await page.goto("/importer");
  const picker = page.getByLabel("Choisir un fichier de catalogue (.json)");
  await picker.setInputFiles({ name: "national.json", mimeType: "application/json", buffer: Buffer.from(synthetic(6000)) });
  await page.getByRole("button", { name: "Importer ces données" }).click();
  // While it is written, no second file can be started.
  await expect(picker).toBeDisabled();
  await expect(page.getByText("Import terminé")).toBeVisible({ timeout: 120_000 });
  await expect(picker).toBeEnabled();
  const seen = await page.evaluate(() => window.__progress);
  // Writing 6,000 prototypes takes several slices: the bar moves forward, in whole percents.
  expect(seen.length).toBeGreaterThan(2);
  expect(seen.every((v) => Number.isInteger(v) && v >= 0 && v <= 100)).toBe(true);
  expect(seen.some((v) => v > 0 && v < 100)).toBe(true);
  await page.goto("/");
  await expect(page.locator("p.totals")).toHaveText("6 048 prototypes partagés par 28 centres");
  // Loading 6,048 stored prototypes showed its progress too, moving forward.
  const loading = await page.evaluate(() => window.__progress);
  expect(loading.some((v) => v > 0 && v < 100)).toBe(true);
  expect(loading).toEqual([...loading].sort((a, b) => a - b));
  // The new prototypes are searchable at once (indexed as they were imported).
  await page.getByLabel("Rechercher un prototype").fill("atelier numérique 5999");
  await expect(page.locator("li.card").first()).toContainText("Atelier numérique n° 5999");
});

test("avec beaucoup de centres, le filtre par centre se tape au lieu de dérouler une liste", async ({ page }) => {
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name: "region.json", mimeType: "application/json", buffer: Buffer.from(synthetic(600, 60)) });
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible({ timeout: 60_000 });
  await page.goto("/");
  await expect(page.locator("p.totals")).toHaveText("648 prototypes partagés par 68 centres");
  await page.getByText("Autres filtres et tri").click();
  // No list of 68 options: a field, and a hint that says how to use it.
  const field = page.getByLabel("Centre", { exact: true });
  await expect(field).toHaveAttribute("type", "search");
  await expect(page.locator("select#filtre-centre")).toHaveCount(0);
  await expect(page.locator("#filtre-centre-aide")).toHaveText("Tapez une partie du nom pour choisir parmi 68 centres.");
  // Typing proposes the matching names, with their counts; accents and case do not matter.
  await field.fill("BELENCONTRE");
  await expect(page.getByRole("button", { name: "Centre social Belencontre (6)" })).toBeVisible();
  await field.fill("n° 4");
  await expect(page.locator("#filtre-centre-aide")).toHaveText("15 centres correspondent ; voici les 8 premiers, précisez le nom pour les autres.");
  await expect(page.locator(".centre-choices button")).toHaveCount(8);
  await field.fill("n° 42");
  await expect(page.locator("#filtre-centre-aide")).toHaveText("1 centre correspond.");
  // Choosing one filters the list, says which centre, and leaves the field ready for another.
  await page.getByRole("button", { name: "Centre social n° 42 (10)" }).click();
  await expect(page).toHaveURL(/centre=centre-42/);
  await expect(page.locator(".result-count")).toHaveText("10 prototypes affichés");
  await expect(page.locator(".chosen-centre")).toContainText("Centre social n° 42");
  await expect(field).toBeFocused();
  await expect(field).toHaveValue("");
  // Enter takes the first name proposed.
  await field.fill("n° 57");
  await field.press("Enter");
  await expect(page).toHaveURL(/centre=centre-57/);
  await expect(page.locator(".chosen-centre")).toContainText("Centre social n° 57");
  await field.fill("marseille");
  await expect(page.locator("#filtre-centre-aide")).toHaveText("Aucun centre ne correspond à « marseille ».");
  // The centres page opens one territory at a time.
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Centres" }).click();
  await expect(page.getByText("68 centres dans 6 territoires : ouvrez un territoire pour voir ses centres.")).toBeVisible();
  await expect(page.locator(".centre-list li")).toHaveCount(0);
  await page.getByText("Territoire 1 (15 centres)").click();
  await expect(page.locator(".centre-list li")).toHaveCount(15);
  await expect(page.getByRole("link", { name: "Centre social n° 41", exact: true })).toBeVisible();
  // The indicators' theme × centre table has a row per centre that counts: the 60 centres of this
  // unsigned file are shown everywhere else, but count in no indicator (only what centres this
  // browser vouches for sign counts), so the table holds the seed's 8 and the CSV as many.
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Indicateurs" }).click();
  await expect(page.locator("#table-themes-centres tbody tr")).toHaveCount(8);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter en CSV : prototypes par centre et par thème" }).click()]);
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv.trim().split("\r\n")).toHaveLength(9);
  await page.goBack();
  await page.goBack();
  await expect(page.locator(".chosen-centre")).toContainText("Centre social n° 57");
  // The filter can be taken off, by keyboard too.
  await page.getByRole("button", { name: "Retirer le filtre « Centre social n° 57 »" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).not.toHaveURL(/centre=/);
  await expect(page.locator(".result-count")).toHaveText("648 prototypes trouvés : 1 à 60 affichés");
});

test("la page du label d'un grand catalogue nomme les 100 premiers candidats et mène au catalogue pour les autres", async ({ page }) => {
  // 150 prototypes with a complete livret under a free licence, never tested yet: candidates.
  const seed = JSON.parse(readFileSync(new URL("../../../public/catalogue.json", import.meta.url), "utf8"));
  const { livret, licence } = seed.prototypes[0];
  const file = JSON.parse(synthetic(150));
  for (const p of file.prototypes) Object.assign(p, { livret, licence });
  await page.goto("/label");
  const heading = page.getByRole("heading", { name: /^Candidats au label \(\d+\)$/ });
  const before = Number((await heading.textContent()).match(/\d+/)[0]);
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name: "candidats.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible({ timeout: 60_000 });
  await page.goto("/label");
  const total = before + 150;
  await expect(page.getByRole("heading", { name: `Candidats au label (${total})` })).toBeVisible();
  const candidates = page.locator("section", { has: page.getByRole("heading", { name: /^Candidats au label/ }) });
  await expect(candidates.locator(".label-list li")).toHaveCount(100);
  await expect(candidates).toContainText("Les 100 premiers par titre.");
  await candidates.getByRole("link", { name: `Voir les ${total} dans le catalogue` }).click();
  await expect(page).toHaveURL(/\?label=candidat$/);
  await expect(page.locator(".result-count")).toHaveText(`${total} prototypes trouvés : 1 à 60 affichés`);
});
