import { test, expect } from "@playwright/test";

test("la page d'accueil s'affiche en français avec le catalogue", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Catalogue des prototypes — Prototèque");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Catalogue des prototypes");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByText("48 prototypes partagés par 8 centres")).toBeVisible();
  await expect(page.locator("li.card")).toHaveCount(48);
});

test("un clic sur un thème ne montre que les prototypes de ce thème", async ({ page }) => {
  await page.goto("/");
  const cards = page.locator("li.card");
  await expect(cards).toHaveCount(48);

  const parentalite = page.getByRole("button", { name: "Parentalité" });
  await parentalite.click();
  await expect(parentalite).toHaveAttribute("aria-pressed", "true");
  const count = await cards.count();
  expect(count).toBeGreaterThanOrEqual(6);
  expect(count).toBeLessThan(48);
  await expect(page.getByRole("status").filter({ hasText: "affichés" })).toHaveText(`${count} prototypes affichés`);
  for (const theme of await cards.locator(".theme").allTextContents()) {
    expect(theme).toBe("Parentalité");
  }

  await page.getByRole("button", { name: "Tous les thèmes" }).click();
  await expect(cards).toHaveCount(48);
});

test("les liens de navigation mènent aux pages, y compris après rechargement", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation").getByRole("link", { name: "À propos" }).click();
  await expect(page).toHaveURL(/\/a-propos$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("À propos de Prototèque");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("À propos de Prototèque");
  await page.goto("/nulle-part");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page introuvable");
});

test("le catalogue s'ouvre sans le code des autres pages, qui arrive quand on les ouvre", async ({ page }) => {
  const wasm = [];
  page.on("request", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(new URL(r.url()).pathname);
  });
  const chunk = (name) => wasm.filter((p) => new RegExp(`^/split-[0-9a-f]+/split_${name}\\.wasm$`).test(p));
  await page.goto("/");
  await expect(page.locator("li.card")).toHaveCount(48);
  // The main module first; once the list is drawn, the prototype page's code is fetched ahead
  // (most visits open a prototype next), and no other page's.
  expect(wasm[0]).toMatch(/^\/prototheque-[0-9a-f]+_bg\.wasm$/);
  await expect.poll(() => chunk("Prototype")).toHaveLength(1);
  expect(chunk("Dashboard")).toHaveLength(0);
  expect(chunk("export_file")).toHaveLength(0);
  await page.locator("li.card a").first().click();
  await expect(page).toHaveURL(/\/prototypes\//);
  await expect(page.getByRole("heading", { level: 2, name: "Livret pédagogique" })).toBeVisible();
  expect(chunk("Prototype")).toHaveLength(1);
  await page.goBack();
  await expect(page.locator("li.card")).toHaveCount(48);

  await page.getByRole("navigation").getByRole("link", { name: "Indicateurs" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Indicateurs du programme");
  expect(chunk("Dashboard")).toHaveLength(1);

  // Back and forth: the page's code is fetched once.
  await page.getByRole("navigation").getByRole("link", { name: "Catalogue" }).click();
  await expect(page.locator("li.card")).toHaveCount(48);
  const before = wasm.length;
  await page.getByRole("navigation").getByRole("link", { name: "Indicateurs" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Indicateurs du programme");
  expect(wasm.length).toBe(before);
});

test("si l'application s'arrête sur une erreur, un message le dit et propose de recharger", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("li.card")).toHaveCount(48);
  const alert = page.getByRole("alert");
  // Another script's error is none of the app's business: no message.
  await page.evaluate(() => dispatchEvent(new ErrorEvent("error", { error: new Error("extension") })));
  await expect(alert).toHaveCount(0);

  // What a panic in the wasm module ends as, here from a promise no one awaits.
  await page.evaluate(() => {
    Promise.reject(new WebAssembly.RuntimeError("unreachable"));
  });
  await expect(alert).toContainText("Prototèque s'est arrêté à cause d'une erreur inattendue.");
  await page.getByRole("button", { name: "Recharger la page" }).click();
  await expect(page.locator("li.card")).toHaveCount(48);
  await expect(alert).toHaveCount(0);
});

test.describe("sans service worker", () => {
  test.use({ serviceWorkers: "block" });

  test("une page dont le code ne peut pas être téléchargé le dit, sans arrêter l'application", async ({ page }) => {
    const heading = page.getByRole("heading", { level: 1 });
    const nav = page.getByRole("navigation");
    await page.goto("/");
    await expect(page.locator("li.card")).toHaveCount(48);
    const chunk = /\/split_Dashboard\.wasm$/;
    await page.route(chunk, (route) => route.abort("internetdisconnected"));

    await nav.getByRole("link", { name: "Indicateurs" }).click();
    await expect(heading).toHaveText("Page indisponible");
    await expect(page.getByRole("alert")).toContainText("Cette page n'a pas pu être téléchargée.");

    // The rest of the app goes on, and a failed download is tried again on the next visit.
    await nav.getByRole("link", { name: "Catalogue" }).click();
    await expect(page.locator("li.card")).toHaveCount(48);
    await nav.getByRole("link", { name: "Centres" }).click();
    await expect(heading).toHaveText("Les centres du réseau");
    await nav.getByRole("link", { name: "Indicateurs" }).click();
    await expect(heading).toHaveText("Page indisponible");

    await page.unroute(chunk);
    await page.getByRole("button", { name: "réessayez" }).click();
    await expect(heading).toHaveText("Indicateurs du programme");
  });

  test("pendant que le code d'une page arrive, l'en-tête le dit, puis la page s'affiche", async ({ page }) => {
    const heading = page.getByRole("heading", { level: 1 });
    await page.goto("/");
    await expect(page.locator("li.card")).toHaveCount(48);
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route(/\/split_Dashboard\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });

    await page.getByRole("navigation").getByRole("link", { name: "Indicateurs" }).click();
    const loading = page.getByRole("status").getByText("Chargement de la page…");
    await expect(loading).toBeVisible();
    await expect(heading).toHaveText("Catalogue des prototypes");

    release();
    await expect(heading).toHaveText("Indicateurs du programme");
    await expect(loading).toBeHidden();
  });

  test("le code qui écrit le fichier d'export arrive au premier export ; s'il manque, un message le dit", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("li.card")).toHaveCount(48);
    const writer = /\/split_export_file\.wasm$/;
    await page.route(writer, (route) => route.abort("internetdisconnected"));
    const exportAll = page.getByRole("button", { name: "Exporter tout le catalogue" });
    await exportAll.click();
    await expect(page.locator(".export-status").first()).toHaveText(
      "Le fichier n'a pas pu être préparé : vérifiez la connexion à Internet, puis réessayez.",
    );

    await page.unroute(writer);
    const [download] = await Promise.all([page.waitForEvent("download"), exportAll.click()]);
    expect(download.suggestedFilename()).toMatch(/^prototheque-catalogue-\d{4}-\d{2}-\d{2}\.json$/);
    await expect(page.locator(".export-status").first()).toHaveText(/^Fichier « prototheque-catalogue-.*\.json » prêt : 48 prototypes\.$/);
  });

  test("si l'application ne peut pas se charger, un message le dit et le rechargement la relance", async ({ page }) => {
    const main = /\/prototheque-[0-9a-f]+_bg\.wasm$/;
    await page.route(main, (route) => route.abort("internetdisconnected"));
    await page.goto("/");
    const alert = page.getByRole("alert");
    await expect(alert).toContainText("Prototèque n'a pas pu se charger. Vérifiez la connexion à Internet");
    await expect(page.getByRole("button", { name: "Recharger la page" })).toBeFocused();

    await page.unroute(main);
    await page.getByRole("button", { name: "Recharger la page" }).click();
    await expect(page.locator("li.card")).toHaveCount(48);
    await expect(alert).toHaveCount(0);
  });
});
