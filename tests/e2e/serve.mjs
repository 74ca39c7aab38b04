// A minimal static host for a build folder, behaving as the README asks a real host to: correct
// MIME types (wasm included), index.html for deep links, the Content-Security-Policy, and an
// optional sub-path. Loopback only.
//   node serve.mjs <folder> <port> [<sub-path, e.g. /prototheque/>]
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const root = resolve(process.argv[2] ?? "../../dist");
const port = Number(process.argv[3] ?? 4173);
const prefix = process.argv[4] ?? "/";
// The README's policy, except that feeds may also be read from this machine over plain HTTP:
// the tests' loopback feed hosts (feed-hosts.mjs), on ports of their own.
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self' https: http://127.0.0.1:*; manifest-src 'self'; worker-src 'self'; object-src 'none'; " +
  "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
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
    if ((await stat(path)).isFile()) return path;
  } catch {}
  return null;
}

createServer(async (req, res) => {
  const urlPath = new URL(req.url, "http://localhost").pathname;
  if (!urlPath.startsWith(prefix) && urlPath + "/" !== prefix) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Introuvable");
    return;
  }
  const inside = urlPath.slice(prefix.length - 1) || "/";
  let path = await fileFor(inside);
  // Deep links (no file extension) get the app; a missing asset is a real 404.
  if (!path && !extname(inside)) path = join(root, "index.html");
  if (!path) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Introuvable");
    return;
  }
  const body = await readFile(path);
  res.writeHead(200, {
    "content-type": types[extname(path)] ?? "application/octet-stream",
    "cache-control": "no-cache",
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}).listen(port, "127.0.0.1", () => console.log(`${root} servi sur http://127.0.0.1:${port}${prefix}`));
