import { test, expect } from "@playwright/test";

// Issue 19: a file within the file limits whose merge with the stored catalogue would break the
// rules a stored catalogue must meet (here: more centres than a file may hold) is refused when
// the import is confirmed, with a French message naming the limit, and nothing is written.

const totals = (page) => page.locator("p.totals");

/** A catalogue file adding `n` centres (the seed's 8 are kept: `n` + 8 > 10,000). */
function manyCentres(n) {
  const centres = [];
  for (let i = 0; i < n; i++) {
    const id = `centre-essai-${String(i).padStart(5, "0")}`;
    centres.push({ id, revision: 1, modifie_par: id, modifie_le: "2026-03-01T10:00:00Z", nom: `Centre d'essai n° ${i}` });
  }
  const doc = { format: "prototheque-catalogue", version: "1.0", centres, prototypes: [], evaluations: [] };
  return { name: "trop-de-centres.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doc)) };
}

test("un fichier qui ferait déborder le catalogue est refusé et ne change rien", async ({ page }) => {
  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");

  await page.goto("/importer");
  await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles(manyCentres(9995));
  await expect(page.getByRole("heading", { name: "Aperçu de « trop-de-centres.json »" })).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Importer ces données" }).click();

  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Ce fichier n'a pas été importé", { timeout: 60_000 });
  await expect(alert).toContainText("le catalogue compterait 10003 centres : au plus 10000");
  await expect(alert).toContainText("Rien n'a été modifié.");

  await page.goto("/");
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
  await page.reload();
  await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
});
