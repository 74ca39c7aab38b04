import { test, expect } from "@playwright/test";
import { spawn, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, appendFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const example = { name: "exemple-catalogue.json", mimeType: "application/json", buffer: readFileSync(`${root}docs/exemple-catalogue.json`) };
const totals = (page) => page.locator("p.totals");

async function untilControlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

function watchCsp(page) {
  const violations = [];
  page.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

const port = Number(process.env.PROTOTHEQUE_E2E_PORT ?? 4173);
for (const [where, base] of [["à la racine", `http://127.0.0.1:${port}/`], ["sous un sous-chemin", `http://127.0.0.1:${port + 1}/prototheque/`]]) {
  test(`hors ligne ${where} : rechargement, liens profonds et modification conservée`, async ({ context }) => {
    const page = await context.newPage();
    const csp = watchCsp(page);
    await page.goto(base);
    await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
    await untilControlled(page);

    await context.setOffline(true);
    await page.reload();
    await expect(totals(page)).toHaveText("48 prototypes partagés par 8 centres");
    await expect(page.getByText("Hors ligne")).toBeVisible();

    // A deep link, typed or reloaded without network.
    await page.goto(`${base}prototypes/echo-accueil`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Diagnostic numérique « premier pas » à l'accueil du centre");
    await page.getByRole("link", { name: "Centre social l'Echo", exact: true }).click();
    await expect(page).toHaveURL(`${base}centres/echo`);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Centre social l'Echo");

    // A change made offline is still there after the app is closed and opened again.
    await page.goto(`${base}importer`);
    await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles(example);
    await page.getByRole("button", { name: "Importer ces données" }).click();
    await expect(page.getByText("Import terminé")).toBeVisible();
    await page.close();
    const again = await context.newPage();
    await again.goto(base);
    await expect(totals(again)).toHaveText("50 prototypes partagés par 8 centres");
    await context.setOffline(false);
    expect(csp).toEqual([]);
  });
}

test("l'application peut être installée : manifeste en français, icônes, affichage autonome", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const manifest = await (await request.get(new URL(href, page.url()).href)).json();
  expect(manifest).toMatchObject({ lang: "fr", short_name: "Prototèque", display: "standalone", start_url: "./", theme_color: "#000091" });
  expect(manifest.name).toBe("Prototèque — Centres sociaux connectés");
  for (const icon of manifest.icons) {
    const response = await request.get(new URL(icon.src, page.url()).href);
    expect(response.status(), icon.src).toBe(200);
  }
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  // Chromium's own installability check; test browser contexts are private windows, where
  // Chromium never offers installation, so that one reason is expected.
  const cdp = await page.context().newCDPSession(page);
  await untilControlled(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  expect(installabilityErrors.map((e) => e.errorId)).toEqual(["in-incognito"]);
});

test("une nouvelle version déployée est proposée, et le rechargement garde les données", async ({ browser }) => {
  // A copy of the build, served by its own host, so that a "second build" can replace files.
  const dir = mkdtempSync(join(tmpdir(), "prototheque-maj-"));
  cpSync(`${root}dist`, dir, { recursive: true });
  const server = spawn("node", ["serve.mjs", dir, "4176"], { cwd: fileURLToPath(new URL("../", import.meta.url)), stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 500));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("http://127.0.0.1:4176/importer");
    await page.getByLabel("Choisir un fichier de catalogue (.json)").setInputFiles(example);
    await page.getByRole("button", { name: "Importer ces données" }).click();
    await expect(page.getByText("Import terminé")).toBeVisible();
    await untilControlled(page);
    await expect(page.getByText("Une nouvelle version est disponible")).toHaveCount(0);

    // Second build: one file changed, so the service worker's list and version change.
    appendFileSync(join(dir, "boot.js"), "\n// nouvelle version\n");
    execFileSync("bash", [`${root}scripts/precache.sh`, dir]);
    await page.goto("http://127.0.0.1:4176/");
    await expect(page.getByText("Une nouvelle version est disponible")).toBeVisible({ timeout: 20_000 });
    const before = await page.evaluate(() => navigator.serviceWorker.controller.scriptURL);
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Recharger" }).click()]);
    await expect(totals(page)).toHaveText("50 prototypes partagés par 8 centres");
    await expect(page.getByText("Une nouvelle version est disponible")).toHaveCount(0);
    const cacheNames = await page.evaluate(() => caches.keys());
    expect(cacheNames).toHaveLength(1);
    expect(before).toContain("sw.js");
    await context.close();
  } finally {
    server.kill();
  }
});
