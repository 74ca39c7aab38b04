// What a person sees first (issue #23): cards on arrival, pages that say where you are, an import
// preview read in ten seconds. Screenshots are kept in tests/e2e/artifacts/ (not committed).
import { test, expect } from "@playwright/test";
import { readFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const artefacts = fileURLToPath(new URL("../artifacts/", import.meta.url));
const cards = (page) => page.locator("li.card");

/// The box of `locator` and the viewport's height, for "is it on the first screen".
async function box(page, locator) {
  const b = await locator.boundingBox();
  return { top: b.y, bottom: b.y + b.height, height: page.viewportSize().height };
}

for (const [width, height, name] of [[1280, 800, "ordinateur"], [360, 740, "telephone"]]) {
  test(`à ${width}×${height}, la première visite montre des prototypes dès l'arrivée`, async ({ page }) => {
    mkdirSync(artefacts, { recursive: true });
    await page.setViewportSize({ width, height });
    await page.goto("/");
    await expect(cards(page)).toHaveCount(48);
    // A first visit: the short explanation is there, and still the cards come on the first screen.
    await expect(page.getByText("Comment ça marche ?")).toBeVisible();
    const search = await box(page, page.getByLabel("Rechercher un prototype"));
    expect(search.bottom).toBeLessThanOrEqual(height);
    const first = await box(page, cards(page).first());
    expect(first.top).toBeGreaterThan(0);
    expect(first.top).toBeLessThan(height);
    // The first card's title is whole on the first screen.
    expect((await box(page, cards(page).first().locator("h2"))).bottom).toBeLessThanOrEqual(height);
    if (width === 360) {
      // On a phone, the second card begins on the first screen too.
      expect((await box(page, cards(page).nth(1))).top).toBeLessThan(height);
    }
    // Nothing overflows sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: `${artefacts}premier-ecran-${name}.png` });
    // After a search, the first result is on the screen too.
    await page.getByLabel("Rechercher un prototype").fill("démarche");
    await expect(page.locator(".result-count")).toHaveText(/^\d+ prototypes affichés$/);
    expect((await box(page, cards(page).first())).top).toBeLessThan(height);
    await page.screenshot({ path: `${artefacts}recherche-${name}.png` });
  });
}

test("« Comment ça marche » se ferme, et reste fermé aux visites suivantes", async ({ page }) => {
  await page.goto("/");
  await expect(cards(page)).toHaveCount(48);
  await page.getByRole("button", { name: "Masquer « Comment ça marche »" }).click();
  await expect(page.getByText("Comment ça marche ?")).toBeHidden();
  // Focus goes on to the search, not back to the top of the page.
  await expect(page.getByLabel("Rechercher un prototype")).toBeFocused();
  await page.reload();
  await expect(cards(page)).toHaveCount(48);
  await expect(page.getByText("Comment ça marche ?")).toBeHidden();
});

test("de la recherche, les résultats sont à deux touches Tab", async ({ page }) => {
  await page.goto("/?q=radio");
  await expect(page.locator(".result-count")).toHaveAttribute("aria-live", "polite");
  const n = await cards(page).count();
  expect(n).toBeGreaterThan(0);
  await page.getByLabel("Rechercher un prototype").focus();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Aller aux résultats" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  // The list, named by the count, then its first card; the address still holds the search only.
  await expect(page.getByRole("list", { name: `${n} prototypes affichés` })).toBeFocused();
  await expect(page).toHaveURL(/\?q=radio$/);
  await page.keyboard.press("Tab");
  await expect(cards(page).first().locator("h2 a")).toBeFocused();
});

test("les autres filtres sont repliés, et leur choix reste dans l'adresse", async ({ page }) => {
  await page.goto("/");
  await expect(cards(page)).toHaveCount(48);
  const more = page.locator("details.more-filters");
  await expect(more).not.toHaveAttribute("open");
  await more.locator("summary").click();
  await page.getByLabel("Type d'usage").selectOption({ index: 1 });
  await expect(page).toHaveURL(/type=/);
  await page.reload();
  // A choice made: shown unfolded.
  await expect(more).toHaveAttribute("open");
});

// Every page and its tab title (WCAG 2.4.2).
const titles = [
  ["/", "Catalogue des prototypes — Prototèque"],
  ["/prototypes/nouveau", "Nouveau prototype — Prototèque"],
  ["/prototypes/chemin-rouge-pouvoir-d-agir", "Diagnostic en marchant : la carte uMap des habitants du Chemin Rouge — Prototèque"],
  ["/prototypes/chemin-rouge-pouvoir-d-agir/modifier", "Modifier « Diagnostic en marchant : la carte uMap des habitants du Chemin Rouge » — Prototèque"],
  ["/prototypes/phalempins-pouvoir-d-agir/comparer", /^« .+ » comparé à l'original — Prototèque$/],
  ["/livrets", "Livrets à imprimer — Prototèque"],
  ["/centres", "Les centres du réseau — Prototèque"],
  ["/centres/echo", "Centre social l'Echo (centre) — Prototèque"],
  ["/importer", "Importer un catalogue — Prototèque"],
  ["/label", "Le label — Prototèque"],
  ["/indicateurs", "Indicateurs du programme — Prototèque"],
  ["/a-propos", "À propos — Prototèque"],
  ["/mon-centre", "Mon centre — Prototèque"],
  ["/confiance", "Confiance et signatures — Prototèque"],
  ["/abonnements", "Abonnements aux catalogues — Prototèque"],
  ["/nouveautes", "Nouveautés des abonnements — Prototèque"],
  ["/publier", "Publier mon catalogue — Prototèque"],
  ["/nulle-part", "Page introuvable — Prototèque"],
];

test("chaque page a son propre titre d'onglet", async ({ page }) => {
  const seen = new Set();
  for (const [path, title] of titles) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page).toHaveTitle(title);
    seen.add(await page.title());
  }
  expect(seen.size).toBe(titles.length);
});

test("après un lien, le focus est sur le titre de la nouvelle page, qui est lu", async ({ page }) => {
  await page.goto("/");
  await expect(cards(page)).toHaveCount(48);
  const h1 = page.getByRole("heading", { level: 1 });
  const nav = page.getByRole("navigation", { name: "Navigation principale" });
  // The label page is in the main menu.
  await nav.getByRole("link", { name: "Label" }).click();
  await expect(page).toHaveURL(/\/label$/);
  await expect(h1).toHaveText("Le label « Centres sociaux connectés »");
  await expect(h1).toBeFocused();
  await expect(page).toHaveTitle("Le label — Prototèque");

  await nav.getByRole("link", { name: "Catalogue" }).click();
  await expect(h1).toBeFocused();
  await page.getByRole("link", { name: /^Diagnostic en marchant : la carte uMap/ }).click();
  await expect(h1).toHaveText("Diagnostic en marchant : la carte uMap des habitants du Chemin Rouge");
  await expect(h1).toBeFocused();
  // Back: focus on the catalogue's heading again, the tab titled after it.
  await page.goBack();
  await expect(h1).toHaveText("Catalogue des prototypes");
  await expect(h1).toBeFocused();
  await expect(page).toHaveTitle("Catalogue des prototypes — Prototèque");
});

test("à l'arrivée, le focus reste au début de la page (le lien d'évitement d'abord)", async ({ page }) => {
  await page.goto("/centres");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Aller au contenu" })).toBeFocused();
});

/// The seed again plus the example's two new prototypes and report: 101 records, as an export
/// from another browser would be.
function hundredRecords() {
  const seed = JSON.parse(readFileSync(`${root}public/catalogue.json`, "utf8"));
  const example = JSON.parse(readFileSync(`${root}docs/exemple-catalogue.json`, "utf8"));
  seed.prototypes.push(...example.prototypes);
  seed.evaluations.push(...example.evaluations);
  expect(seed.centres.length + seed.prototypes.length + seed.evaluations.length).toBe(101);
  return Buffer.from(JSON.stringify(seed));
}

for (const [width, height] of [[1280, 800], [360, 740]]) {
  test(`à ${width}×${height}, l'aperçu d'un import de 101 éléments se lit d'un coup d'œil`, async ({ page }) => {
    mkdirSync(artefacts, { recursive: true });
    await page.setViewportSize({ width, height });
    await page.goto("/");
    await expect(cards(page)).toHaveCount(48);
    await page.goto("/importer");
    await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name: "export-voisin.json", mimeType: "application/json", buffer: hundredRecords() });
    const summary = page.locator(".preview-summary");
    await expect(summary).toHaveText("Ce fichier apporte : 2 nouveaux prototypes, 1 nouveau rapport d'expérience, 98 éléments inchangés.");
    const confirm = page.getByRole("button", { name: "Importer ces données" });
    // The summary and the button under it, both on the first screen.
    for (const element of [summary, confirm]) {
      const b = await box(page, element);
      expect(b.top).toBeGreaterThanOrEqual(0);
      expect(b.bottom).toBeLessThanOrEqual(height);
    }
    expect((await box(page, confirm)).top).toBeGreaterThan((await box(page, summary)).top);
    // Details by title and centre; the 98 unchanged folded away.
    await expect(page.getByText("Web radio des jeunes de l'Arbrisseau — Centre social l'Arbrisseau (arbrisseau-web-radio)")).toBeVisible();
    await expect(page.getByText("Centre social l'Arbrisseau, sur « Web radio « Les Échos du quartier » »")).toBeVisible();
    const unchanged = page.locator("details.unchanged");
    await expect(unchanged.locator("summary")).toHaveText("98 éléments inchangés");
    await expect(unchanged.getByText("Centre social Belencontre", { exact: false }).first()).toBeHidden();
    await page.screenshot({ path: `${artefacts}apercu-import-${width}.png` });

    await confirm.click();
    const done = page.locator(".success-box");
    await expect(done).toContainText("Import terminé : 2 nouveaux prototypes, 1 nouveau rapport d'expérience, 98 éléments inchangés.");
    const undo = page.getByRole("button", { name: "Annuler cet import" });
    expect((await box(page, undo)).bottom).toBeLessThanOrEqual(height);
    // The undo says what it took back, grouped the same way.
    await undo.click();
    await expect(page.getByText("L'import a été annulé")).toBeVisible();
    await expect(page.getByRole("heading", { level: 3, name: "Retirés du catalogue" })).toBeVisible();
    await expect(page.getByText("Web radio des jeunes de l'Arbrisseau — Centre social l'Arbrisseau (arbrisseau-web-radio)")).toBeVisible();
  });
}

test("les indicateurs comptent les mois sans activité, une mesure par graphique, lisibles à 360 px", async ({ page }) => {
  mkdirSync(artefacts, { recursive: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/indicateurs");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Indicateurs du programme");
  await expect(page.getByRole("img", { name: /^Prototypes créés par mois/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Séances rapportées par mois/ })).toBeVisible();
  // Month after month, without a gap.
  const months = await page.locator("#table-activite tbody th").allTextContents();
  const names = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
  const index = (label) => {
    const [name, year] = label.split(" ");
    return Number(year) * 12 + names.indexOf(name);
  };
  for (let i = 1; i < months.length; i++) expect(index(months[i])).toBe(index(months[i - 1]) + 1);
  // Each figure beside its column's name, and nothing wider than the phone.
  await expect(page.locator("#table-activite tbody td").first()).toHaveAttribute("data-label", "Prototypes créés");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.screenshot({ path: `${artefacts}indicateurs-telephone.png`, fullPage: true });
});
