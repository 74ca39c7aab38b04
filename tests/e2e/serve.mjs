// A minimal static server for dist/, as a static host would serve it: correct MIME types (wasm
// included) and a fallback to index.html for deep links. Loopback only.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const root = resolve(process.argv[2] ?? "../../dist");
const port = Number(process.argv[3] ?? 4173);
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
};

async function fileFor(urlPath) {
  const path = normalize(join(root, decodeURIComponent(urlPath)));
  if (!path.startsWith(root)) return null;
  try {
    const info = await stat(path);
    if (info.isFile()) return path;
  } catch {}
  return null;
}

createServer(async (req, res) => {
  const urlPath = new URL(req.url, "http://localhost").pathname;
  let path = await fileFor(urlPath);
  // Deep links (no file extension) get the app; a missing asset is a real 404.
  if (!path && !extname(urlPath)) path = join(root, "index.html");
  if (!path) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Introuvable");
    return;
  }
  const body = await readFile(path);
  res.writeHead(200, {
    "content-type": types[extname(path)] ?? "application/octet-stream",
    "cache-control": "no-cache",
  });
  res.end(body);
}).listen(port, "127.0.0.1", () => console.log(`dist/ servi sur http://127.0.0.1:${port}`));
