import { test, expect } from "@playwright/test";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const artefacts = fileURLToPath(new URL("../../../target/e2e-artefacts/screens/", import.meta.url));

const cards = (page) => page.locator("li.card");
const resultCount = (page) => page.locator(".result-count");

async function shownCount(page) {
  const text = await resultCount(page).textContent();
  return Number(text.match(/^(\d+)/)?.[1] ?? 0);
}

async function axe(page) {
  // Evaluated through DevTools, which the page's Content-Security-Policy (no inline script) does not block.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")})`);
  });
}

test("les 48 prototypes du catalogue fourni sont listés", async ({ page }) => {
  await page.goto("/");
  await expect(cards(page)).toHaveCount(48);
  await expect(resultCount(page)).toHaveText("48 prototypes affichés");
});

test("la recherche ignore accents et majuscules, et l'adresse la garde au rechargement", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Rechercher un prototype").fill("DEMARCHE");
  await expect(page).toHaveURL(/\?q=DEMARCHE$/);
  const n = await shownCount(page);
  expect(n).toBeGreaterThan(3);
  expect(n).toBeLessThan(48);
  await expect(cards(page)).toHaveCount(n);
  // The accented spelling finds the same prototypes.
  await page.getByLabel("Rechercher un prototype").fill("démarche");
  await expect(cards(page)).toHaveCount(n);
  await page.reload();
  await expect(page.getByLabel("Rechercher un prototype")).toHaveValue("démarche");
  await expect(cards(page)).toHaveCount(n);
});

test("chaque filtre réduit la liste au nombre annoncé", async ({ page }) => {
  await page.goto("/");
  const filters = [
    ["Centre", "Centre social l'Echo (6)", ".centre", "Centre social l'Echo"],
    ["Territoire", "Lille Sud (24)", null, null],
    ["Type d'usage", null, ".kind", null],
    ["Label", null, ".badge", null],
    ["Rapports d'expérience", null, null, null],
  ];
  for (const [label, option, cell, value] of filters) {
    await page.goto("/");
    await expect(cards(page)).toHaveCount(48);
    // Folded by default, so that the first cards are on the first screen.
    await expect(page.getByLabel(label, { exact: true })).toBeHidden();
    await page.getByText("Autres filtres et tri").click();
    const select = page.getByLabel(label, { exact: true });
    const options = await select.locator("option").allTextContents();
    const chosen = option ?? options[1];
    await select.selectOption({ label: chosen });
    const expected = Number(chosen.match(/\((\d+)\)$/)[1]);
    expect(expected).toBeLessThan(48);
    await expect(cards(page)).toHaveCount(expected);
    if (cell) {
      const shown = value ?? chosen.replace(/ \(\d+\)$/, "");
      for (const text of await cards(page).locator(cell).allTextContents()) expect(text.toLowerCase()).toBe(shown.toLowerCase());
    }
  }
  // Facets combine: Lille Sud and a theme; a choice in the address shows the filters unfolded.
  await page.goto("/?territoire=Lille%20Sud&theme=parentalite");
  await expect(page.getByLabel("Territoire", { exact: true })).toHaveValue("Lille Sud");
  const n = await shownCount(page);
  expect(n).toBeGreaterThan(0);
  for (const text of await cards(page).locator(".theme").allTextContents()) expect(text).toBe("Parentalité");
});

test("le tri et une recherche sans résultat s'expliquent", async ({ page }) => {
  await page.goto("/");
  await page.getByText("Autres filtres et tri").click();
  await page.getByLabel("Trier par").selectOption({ label: "Les mieux notés" });
  await expect(page).toHaveURL(/tri=mieux-notes/);
  await expect(cards(page).first().locator(".rating")).toContainText("Note moyenne");

  await page.getByLabel("Rechercher un prototype").fill("xylophone");
  await expect(resultCount(page)).toHaveText("Aucun prototype ne correspond à cette recherche.");
  await expect(page.locator(".empty")).toContainText("vérifiez l'orthographe de « xylophone »");
  await page.getByRole("link", { name: "Effacer la recherche et les filtres" }).click();
  await expect(cards(page)).toHaveCount(48);
});

test("la page d'un prototype montre son livret, ses rapports, son label et sa filiation", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: /^Diagnostic en marchant : la carte uMap des habitants du Chemin Rouge/ }).click();
  await expect(page).toHaveURL(/\/prototypes\/chemin-rouge-pouvoir-d-agir$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Diagnostic en marchant : la carte uMap des habitants du Chemin Rouge");
  await expect(page.getByRole("heading", { name: "Livret pédagogique" })).toBeVisible();
  expect(await page.locator(".steps > li").count()).toBeGreaterThanOrEqual(3);
  await expect(page.locator(".report")).toHaveCount(3);
  await expect(page.locator(".reports .summary")).toContainText("3 rapports");
  await expect(page.locator(".checklist li")).toHaveCount(5);
  await expect(page.locator(".credit").first()).toContainText("Adapté de : Diagnostic en marchant cartographié");
  await expect(page.locator(".adaptation-list li")).toHaveCount(1);
  // Three generations: the tree shows the whole family, the current one marked.
  await expect(page.locator(".tree li")).toHaveCount(4);
  await expect(page.locator(".tree [aria-current=page]")).toContainText("Chemin Rouge");
  // External links are safe.
  for (const link of await page.locator(".resources a").all()) {
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
    await expect(link).toHaveAttribute("target", "_blank");
    expect(await link.getAttribute("href")).toMatch(/^(https?:|mailto:)/);
  }
  // A deep link reloads to the same view.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Diagnostic en marchant : la carte uMap des habitants du Chemin Rouge");
});

test("à l'impression, la page d'un prototype devient un livret sans navigation", async ({ page }) => {
  await page.goto("/prototypes/echo-accueil");
  await expect(page.getByRole("navigation", { name: "Navigation principale" })).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Navigation principale" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Imprimer ce livret" })).toBeHidden();
  await expect(page.locator("footer")).toBeHidden();
  await expect(page.getByRole("heading", { name: "Livret pédagogique" })).toBeVisible();
  // Links are printed as text.
  await expect(page.locator(".resources .print-url").first()).toBeVisible();
  const pdf = await page.pdf({ format: "A4" });
  expect(pdf.length).toBeGreaterThan(10_000);
});

test("le livret complet réunit les livrets filtrés avec un sommaire", async ({ page }) => {
  await page.goto("/?theme=parentalite");
  const n = await shownCount(page);
  await page.getByRole("link", { name: "Imprimer ces livrets" }).click();
  await expect(page).toHaveURL(/\/livrets\?theme=parentalite$/);
  await expect(page.locator(".toc li")).toHaveCount(n);
  await expect(page.locator("article.chapter")).toHaveCount(n);
  await page.goto("/livrets");
  await expect(page.locator("article.chapter")).toHaveCount(48);
});

test("les centres sont listés par territoire avec ce qu'ils ont publié", async ({ page }) => {
  await page.goto("/centres");
  await expect(page.getByRole("heading", { level: 2 })).toHaveText(["Lille Sud", "Versant Nord-Est"]);
  await expect(page.locator(".centre-list li")).toHaveCount(8);
  await page.getByRole("link", { name: "Centre social du Faubourg de Béthune" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Centre social du Faubourg de Béthune");
  await expect(cards(page)).toHaveCount(6);
});

test("les liens changent de page sans recharger l'application, l'en-tête dit où l'on est, retour et avance suivent", async ({ page, context }) => {
  await page.goto("/");
  await expect(cards(page)).toHaveCount(48);
  await page.evaluate(() => (window.notReloaded = true));
  const nav = page.getByRole("navigation", { name: "Navigation principale" });
  await expect(nav.getByRole("link", { name: "Catalogue" })).toHaveAttribute("aria-current", "page");

  await nav.getByRole("link", { name: "Centres" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Les centres du réseau");
  await expect(nav.getByRole("link", { name: "Centres" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Catalogue" })).not.toHaveAttribute("aria-current");
  await page.getByRole("link", { name: "Centre social du Faubourg de Béthune" }).click();
  await expect(page).toHaveURL(/\/centres\/[a-z-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Centre social du Faubourg de Béthune");
  // A centre's page is under "Centres".
  await expect(nav.getByRole("link", { name: "Centres" })).toHaveAttribute("aria-current", "page");

  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Les centres du réseau");
  await page.goBack();
  await expect(cards(page)).toHaveCount(48);
  await expect(nav.getByRole("link", { name: "Catalogue" })).toHaveAttribute("aria-current", "page");
  await page.goForward();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Les centres du réseau");
  expect(await page.evaluate(() => window.notReloaded)).toBe(true);

  // With a modifier key the browser opens the link elsewhere; this page stays.
  const [other] = await Promise.all([
    context.waitForEvent("page"),
    nav.getByRole("link", { name: "À propos" }).click({ modifiers: ["Control"] }),
  ]);
  await other.close();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Les centres du réseau");

  // An address that names no page says so, with the way back.
  await page.goto("/prototypes/x/supprimer");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page introuvable");
});

test("au clavier, le lien d'évitement mène au contenu", async ({ page }) => {
  await page.goto("/");
  await expect(cards(page)).toHaveCount(48);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Aller au contenu" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  await page.keyboard.press("Tab");
  // The next stop is inside the main content, not the header.
  expect(await page.evaluate(() => document.activeElement.closest("main") !== null)).toBe(true);
});

const pages = ["/", "/?q=pronote&theme=parentalite", "/mon-centre", "/prototypes/nouveau", "/prototypes/phalempins-pouvoir-d-agir/comparer", "/prototypes/belencontre-pouvoir-d-agir", "/livrets?theme=accueil", "/centres", "/centres/echo", "/label", "/indicateurs", "/a-propos", "/importer", "/nulle-part"];
for (const path of pages) {
  test(`axe ne trouve aucune violation WCAG 2.1 A/AA sur ${path}`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(await axe(page)).toEqual([]);
  });
}

// The states issue #23 added: the phone's header and theme scroller, the filters unfolded, the
// skip link to the results focused, the first visit's help dismissed, an import's preview with
// its folded details open, and the indicators' stacked tables on a phone.
test("axe ne trouve aucune violation dans les états du premier écran", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/");
  await expect(cards(page)).toHaveCount(48);
  expect(await axe(page)).toEqual([]);
  await page.getByText("Autres filtres et tri").click();
  await page.getByLabel("Rechercher un prototype").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Aller aux résultats" })).toBeFocused();
  expect(await axe(page)).toEqual([]);
  await page.getByRole("button", { name: "Masquer « Comment ça marche »" }).click();
  expect(await axe(page)).toEqual([]);
  await page.goto("/indicateurs");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Indicateurs du programme");
  expect(await axe(page)).toEqual([]);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/importer");
  const seed = readFileSync(new URL("../../../public/catalogue.json", import.meta.url));
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name: "graine.json", mimeType: "application/json", buffer: seed });
  await expect(page.locator(".preview-summary")).toHaveText("Ce fichier apporte : 98 éléments inchangés.");
  await page.locator("details.unchanged summary").click();
  expect(await axe(page)).toEqual([]);
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
  expect(await axe(page)).toEqual([]);
});

test("captures d'écran à 360 px et sur ordinateur", async ({ page }) => {
  mkdirSync(artefacts, { recursive: true });
  for (const [width, height, name] of [[360, 740, "telephone"], [1280, 900, "ordinateur"]]) {
    await page.setViewportSize({ width, height });
    await page.goto("/");
    await expect(cards(page)).toHaveCount(48);
    // Nothing overflows sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: `${artefacts}catalogue-${name}.png` });
    await page.goto("/prototypes/belencontre-pouvoir-d-agir");
    await expect(page.getByRole("heading", { name: "Livret pédagogique" })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: `${artefacts}prototype-${name}.png`, fullPage: true });
  }
});

test("axe ne trouve aucune violation dans l'éditeur et le formulaire de rapport", async ({ page }) => {
  await page.goto("/mon-centre");
  await page.getByRole("button", { name: "Centre social l'Echo", exact: true }).click();
  await page.getByRole("button", { name: "Agir pour ce centre sans clé" }).click();
  await expect(page.getByText("Vous agissez maintenant pour : Centre social l'Echo.")).toBeVisible();
  await page.goto("/prototypes/nouveau");
  await page.getByRole("button", { name: "Enregistrer le prototype" }).click();
  await expect(page.locator(".form-summary")).toBeVisible();
  expect(await axe(page)).toEqual([]);
  await page.goto("/prototypes/arbrisseau-accueil");
  await expect(page.getByRole("heading", { name: "Nous l'avons testé" })).toBeVisible();
  expect(await axe(page)).toEqual([]);
});
