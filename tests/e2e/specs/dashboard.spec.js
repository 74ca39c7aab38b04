import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const seed = JSON.parse(readFileSync(`${root}public/catalogue.json`, "utf8"));
const seedResidents = seed.evaluations.reduce((sum, e) => sum + (e.participants ?? 0), 0);
const example = readFileSync(`${root}docs/exemple-catalogue.json`);
const exampleResidents = JSON.parse(example).evaluations.reduce((sum, e) => sum + (e.participants ?? 0), 0);

const card = (page, label) => page.locator(".progress-card").filter({ hasText: label }).locator(".progress-value");

test("le tableau de bord du catalogue fourni montre les bons totaux", async ({ page }) => {
  await page.goto("/label");
  await expect(page.getByRole("heading", { name: /^Prototypes labellisés \(\d+\)$/ })).toBeVisible();
  const labelled = await page.locator(".label-list").first().locator("li").count();
  expect(labelled).toBeGreaterThanOrEqual(3);
  await page.getByRole("navigation").getByRole("link", { name: "Indicateurs" }).click();
  await expect(card(page, "Prototypes publiés")).toHaveText("48 / 48");
  // Each bar is drawn to its share (its width is set through the CSSOM: the page's CSP forbids
  // inline style attributes, and a blocked one would leave every bar full).
  const share = async (label) => {
    const bar = page.locator(".progress-card").filter({ hasText: label }).locator(".bar");
    const [outer, fill] = await Promise.all([bar.boundingBox(), bar.locator(".fill").boundingBox()]);
    return (100 * fill.width) / outer.width;
  };
  expect(Math.abs((await share("Prototypes publiés")) - 100)).toBeLessThan(2);
  const labelledShare = Math.floor((100 * labelled) / 48);
  expect(labelledShare).toBeLessThan(90);
  expect(Math.abs((await share("Prototypes labellisés")) - labelledShare)).toBeLessThan(2);
  await expect(card(page, "Centres avec au moins un prototype")).toHaveText("8 / 8");
  await expect(card(page, "Habitants impliqués")).toHaveText(`${seedResidents} / 480`);
  await expect(card(page, "Prototypes labellisés")).toHaveText(`${labelled} / 48`);
  // The theme × centre grid: 8 centres, and every theme column sums to the per-theme count.
  await expect(page.locator("#table-themes-centres tbody tr")).toHaveCount(8);
  const totals = await page.locator("#table-themes-centres tbody tr td:last-child").allTextContents();
  expect(totals.map(Number)).toEqual(Array(8).fill(6));
});

test("un import non signé ne change pas les indicateurs, qui ne comptent que ce que signent des centres de confiance", async ({ page }) => {
  await page.goto("/indicateurs");
  await expect(card(page, "Habitants impliqués")).toHaveText(`${seedResidents} / 480`);
  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles({ name: "exemple.json", mimeType: "application/json", buffer: example });
  await page.getByRole("button", { name: "Importer ces données" }).click();
  await expect(page.getByText("Import terminé")).toBeVisible();
  await page.getByRole("navigation").getByRole("link", { name: "Indicateurs" }).click();
  // The example file is unsigned, as files of older builds are: its prototypes and its report
  // are imported and shown, « non vérifié », and count in no indicator.
  await expect(card(page, "Habitants impliqués")).toHaveText(`${seedResidents} / 480`);
  await expect(card(page, "Prototypes publiés")).toHaveText("48 / 48");
  expect(exampleResidents).toBeGreaterThan(0);
});

test("le fichier CSV exporté correspond au tableau affiché", async ({ page }) => {
  await page.goto("/indicateurs");
  for (const slug of ["themes-centres", "themes", "adaptations", "notes", "activite"]) {
    const table = page.locator(`#table-${slug}`);
    const caption = (await table.locator("caption").textContent()).toLowerCase();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: `Exporter en CSV : ${caption}` }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^prototheque-${slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv.startsWith("\ufeff")).toBe(true);
    const lines = csv.slice(1).split("\r\n").filter((l) => l !== "").map((l) => l.split(";"));
    const headers = await table.locator("thead th").allTextContents();
    const rows = [];
    for (const row of await table.locator("tbody tr").all()) rows.push(await row.locator("th, td").allTextContents());
    expect(lines).toEqual([headers, ...rows]);
  }
});
