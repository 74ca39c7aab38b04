// Loopback feed hosts for the end-to-end tests and the feeds benchmark: several HTTP servers on
// ports of their own, so each is an origin other than the app's, each behaving like one kind of
// host a centre may publish its feed on (docs: /work/prompts/feeds-contract.md, « E2E feed hosts »).
//
//   cors     Access-Control-Allow-Origin: *, ETag, Last-Modified, Cache-Control: no-cache, and
//            304 on If-None-Match / If-Modified-Since: a static host such as GitHub Pages.
//   nocors   the same files, without the CORS header: a site whose owner did not add the line.
//   failing  500 to every request (with the CORS header, so the page sees the status); under
//            /coupe/ it closes the connection without answering (an unreachable host).
//   older    a mirror restored from an old copy: it serves what was published last until
//            rollBack(path), then the first file published at that path (a lower sequence).
//   forged   serves what was published, altered on the way out (forge(path, mode)): "header"
//            (the flux header changed after signing), "key" (the header signed again by this
//            host's own key), "version" (a version's text changed under its signature), "none".
//
// Every host counts requests per path (conditional ones, 200s, 304s, bytes of body sent); the
// counts are in-process (host.stats()) and on GET /__stats (DELETE /__stats resets them).
// A file is published in-process (host.publish(path, bytes)) or with PUT <path>. Unknown paths
// answer 404 (with the CORS header on the hosts that send it).
//
// From a spec or a benchmark:
//   import { startFeedHosts } from "../feed-hosts.mjs";
//   const hosts = await startFeedHosts({ port: 4681 });   // or port 0: any free ports
//   hosts.cors.publish("/flux.json", bytes); hosts.cors.url("/flux.json"); hosts.cors.stats("/flux.json");
//   await hosts.close();
// As a script (prints one JSON line with each host's origin, then serves until stopped):
//   node feed-hosts.mjs [--port 4681] [--publish <folder of .json files>]
import { createServer } from "node:http";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const KINDS = ["cors", "nocors", "failing", "older", "forged"];

/** The first line of a feed header's signed message (`exchange::feed::FEED_CONTEXT`). */
const FEED_CONTEXT = "prototheque-flux-1";

// ---------------------------------------------------------------------------------------------
// Feed files as text: the `flux` header is found and replaced in place, so every other byte of
// the file (the versions under their signatures, numbers as written) stays as published.

/** The span [start, end) of the `flux` object's value in `text`, or null. */
export function fluxSpan(text) {
  // The header is a top-level field: find `"flux"` at depth 1, outside strings.
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && text.slice(i, end) === '"flux"') {
        let j = end;
        while (/\s/.test(text[j])) j++;
        if (text[j] !== ":") return null;
        j++;
        while (/\s/.test(text[j])) j++;
        return { start: j, end: valueEnd(text, j) };
      }
      i = end - 1;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
  }
  return null;
}

function stringEnd(text, i) {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

function valueEnd(text, i) {
  if (text[i] === '"') return stringEnd(text, i);
  if (text[i] !== "{" && text[i] !== "[") {
    let j = i;
    while (j < text.length && !/[,}\]\s]/.test(text[j])) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '"') j = stringEnd(text, j) - 1;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

/** The feed's `flux` header, parsed, or null when the file has none. */
export function feedHeader(bytes) {
  const text = Buffer.from(bytes).toString("utf8");
  const span = fluxSpan(text);
  return span ? JSON.parse(text.slice(span.start, span.end)) : null;
}

/** The same file with its `flux` header replaced by `header` (an object). */
export function withHeader(bytes, header) {
  const text = Buffer.from(bytes).toString("utf8");
  const span = fluxSpan(text);
  if (!span) throw new Error("ce fichier n'a pas d'en-tête « flux »");
  return Buffer.from(text.slice(0, span.start) + JSON.stringify(header) + text.slice(span.end), "utf8");
}

/** Compact JSON with keys sorted by their bytes: `exchange::signing::canonical_bytes` for the
 * values a header holds (strings escape as serde_json escapes them, which JSON.stringify matches). */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The bytes a feed header's signature covers: the context line, then the header without its
 * signature as canonical JSON. */
export function headerMessage(header) {
  const { signature, ...rest } = header;
  return Buffer.from(`${FEED_CONTEXT}\n${canonical(rest)}`, "utf8");
}

/** A new Ed25519 key pair; `cle` is the public key as the app spells it (base64url, raw). */
export function newSigningKey() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return { privateKey, cle: publicKey.export({ format: "jwk" }).x };
}

/** `header` signed by `key` (from newSigningKey), as the app would sign it. */
export function signedHeader(header, key) {
  const { signature, ...rest } = header;
  const valeur = sign(null, headerMessage(rest), key.privateKey).toString("base64url");
  return { ...rest, signature: { cle: key.cle, valeur } };
}

/** The forgeries the `forged` host serves; each keeps the rest of the file byte for byte. */
export function forge(bytes, mode, key) {
  if (mode === "none") return Buffer.from(bytes);
  if (mode === "version") {
    // A version's text changed under its author's signature; the header still verifies.
    const text = Buffer.from(bytes).toString("utf8");
    const at = text.search(/"titre"\s*:\s*"/);
    if (at < 0) throw new Error("aucun titre à falsifier dans ce flux");
    const quote = text.indexOf('"', text.indexOf(":", at));
    return Buffer.from(`${text.slice(0, quote + 1)}Falsifié : ${text.slice(quote + 1)}`, "utf8");
  }
  const header = feedHeader(bytes);
  if (!header) throw new Error("ce fichier n'a pas d'en-tête « flux »");
  const newer = { ...header, sequence: header.sequence + 1, nom: `${header.nom} (modifié)` };
  if (mode === "header") return withHeader(bytes, newer); // the old signature, over other bytes
  if (mode === "key") return withHeader(bytes, signedHeader(newer, key)); // valid, but another key
  throw new Error(`falsification inconnue : ${mode}`);
}

// ---------------------------------------------------------------------------------------------
// The hosts.

const emptyCounts = () => ({ requests: 0, conditional: 0, ok: 0, notModified: 0, notFound: 0, failed: 0, bytes: 0 });

function add(into, from) {
  for (const k of Object.keys(into)) into[k] += from[k];
  return into;
}

class FeedHost {
  constructor(kind, options = {}) {
    if (!KINDS.includes(kind)) throw new Error(`type d'hôte inconnu : ${kind}`);
    this.kind = kind;
    this.cors = kind !== "nocors";
    this.files = new Map(); // path → [{ body, etag, lastModified, huge }], oldest first
    this.rolledBack = new Set(); // older: paths that serve their first file
    this.forgeries = new Map(); // forged: path → mode
    this.counts = new Map(); // path → counts
    this.key = newSigningKey(); // forged: the key that is not the publisher's
    this.lastModified = 0;
    this.log = options.log ?? (() => {});
    this.server = createServer((req, res) => this.answer(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  listen(port, host = "127.0.0.1") {
    return new Promise((ok, fail) => {
      this.server.once("error", fail);
      this.server.listen(port, host, () => {
        this.server.off("error", fail);
        this.port = this.server.address().port;
        this.origin = `http://${host}:${this.port}`;
        ok(this);
      });
    });
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise((ok) => this.server.close(() => ok()));
  }

  /** The address of `path` on this host. */
  url(path) {
    return `${this.origin}${path.startsWith("/") ? path : `/${path}`}`;
  }

  /** Puts `bytes` online at `path` (a new ETag, a later Last-Modified). */
  publish(path, bytes) {
    const body = Buffer.from(bytes);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    this.pushFile(path, { body, etag });
    return this.url(path);
  }

  /** A file of `size` bytes at `path`, sent in pieces as read (a real body, with its honest
   * Content-Length), for a feed too big to be read. */
  publishHuge(path, size) {
    this.pushFile(path, { size, etag: `"enorme-${size}"` });
    return this.url(path);
  }

  pushFile(path, file) {
    // Last-Modified has one-second steps: each publication gets a later second than the last,
    // so that a revalidation by date alone never mistakes a new file for the old one.
    const now = Math.floor(Date.now() / 1000);
    this.lastModified = Math.max(now, this.lastModified + 1);
    file.lastModified = this.lastModified;
    const history = this.files.get(path) ?? [];
    history.push(file);
    this.files.set(path, history);
  }

  remove(path) {
    this.files.delete(path);
  }

  /** older: from now on, `path` serves the first file published there. */
  rollBack(path) {
    this.rolledBack.add(path);
  }

  /** forged: how `path` is altered on the way out ("header", "key", "version", "none"). */
  forge(path, mode) {
    this.forgeries.set(path, mode);
  }

  /** The counts of one path, or of the whole host. */
  stats(path) {
    if (path !== undefined) return { ...(this.counts.get(path) ?? emptyCounts()) };
    const total = emptyCounts();
    for (const c of this.counts.values()) add(total, c);
    return total;
  }

  resetStats() {
    this.counts.clear();
  }

  current(path) {
    const history = this.files.get(path);
    if (!history) return null;
    const file = this.kind === "older" && this.rolledBack.has(path) ? history[0] : history.at(-1);
    if (this.kind !== "forged") return file;
    const mode = this.forgeries.get(path) ?? "header";
    if (mode === "none" || file.size !== undefined) return file;
    const body = forge(file.body, mode, this.key);
    return { ...file, body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` };
  }

  headers(extra = {}) {
    const h = { "cache-control": "no-cache", ...extra };
    if (this.cors) {
      h["access-control-allow-origin"] = "*";
      h["access-control-expose-headers"] = "ETag, Last-Modified, Content-Length";
      h["timing-allow-origin"] = "*";
    }
    return h;
  }

  async answer(req, res) {
    const url = new URL(req.url, "http://localhost");
    const path = decodeURIComponent(url.pathname);
    if (path === "/__stats") return this.control(req, res, url);
    if (req.method === "PUT") return this.put(req, res, path);

    const counts = this.counts.get(path) ?? emptyCounts();
    this.counts.set(path, counts);
    counts.requests++;
    const inm = req.headers["if-none-match"];
    const ims = req.headers["if-modified-since"];
    if (inm || ims) counts.conditional++;
    this.log(`${this.kind} ${req.method} ${path}${inm ? ` If-None-Match: ${inm}` : ""}${ims ? ` If-Modified-Since: ${ims}` : ""}`);

    if (req.method === "OPTIONS") {
      res.writeHead(204, this.headers({ "access-control-allow-methods": "GET, HEAD" })).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, this.headers({ allow: "GET, HEAD" })).end();
      return;
    }
    if (this.kind === "failing") {
      counts.failed++;
      if (path.startsWith("/coupe/")) {
        req.socket.destroy();
        return;
      }
      res.writeHead(500, this.headers({ "content-type": "text/plain; charset=utf-8" })).end("Erreur interne du serveur");
      return;
    }
    const file = this.current(path);
    if (!file) {
      counts.notFound++;
      res.writeHead(404, this.headers({ "content-type": "text/plain; charset=utf-8" })).end("Introuvable");
      return;
    }
    const validators = { etag: file.etag, "last-modified": new Date(file.lastModified * 1000).toUTCString() };
    // If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
    const fresh = inm !== undefined
      ? inm.split(",").map((t) => t.trim().replace(/^W\//, "")).some((t) => t === file.etag || t === "*")
      : ims !== undefined && Date.parse(ims) / 1000 >= file.lastModified;
    if (fresh) {
      counts.notModified++;
      res.writeHead(304, this.headers(validators)).end();
      return;
    }
    counts.ok++;
    const size = file.size ?? file.body.length;
    res.writeHead(200, this.headers({ ...validators, "content-type": "application/json; charset=utf-8", "content-length": String(size) }));
    if (req.method === "HEAD") return res.end();
    if (file.body) {
      counts.bytes += size;
      return res.end(file.body);
    }
    await this.stream(res, size, counts);
  }

  /** Sends `size` bytes in pieces, each when the previous one has left, until the reader stops. */
  async stream(res, size, counts) {
    const piece = Buffer.alloc(64 * 1024, 0x20);
    piece.write('{"format":"prototheque-catalogue","bourrage":"');
    let sent = 0;
    let closed = false;
    res.on("close", () => (closed = true));
    while (sent < size && !closed) {
      const n = Math.min(piece.length, size - sent);
      sent += n;
      counts.bytes += n;
      if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) {
        await new Promise((ok) => {
          const done = () => {
            res.off("drain", done);
            res.off("close", done);
            ok();
          };
          res.on("drain", done);
          res.on("close", done);
        });
      }
    }
    if (!closed) res.end();
  }

  put(req, res, path) {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      this.publish(path, Buffer.concat(chunks));
      res.writeHead(201, { "content-type": "text/plain; charset=utf-8" }).end(this.url(path));
    });
  }

  control(req, res, url) {
    if (req.method === "DELETE") {
      this.resetStats();
      res.writeHead(204).end();
      return;
    }
    const paths = Object.fromEntries(this.counts);
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(JSON.stringify({ kind: this.kind, total: this.stats(), paths }));
  }
}

/**
 * Starts one host of each kind in `kinds`, on `port`, `port + 1`… (port 0: any free ports).
 * Returns { cors, nocors, failing, older, forged, hosts, stats(), resetStats(), close() }.
 */
export async function startFeedHosts({ port = 0, kinds = KINDS, log } = {}) {
  const started = {};
  const hosts = [];
  try {
    for (const [i, kind] of kinds.entries()) {
      const host = await new FeedHost(kind, { log }).listen(port === 0 ? 0 : port + i);
      started[kind] = host;
      hosts.push(host);
    }
  } catch (e) {
    await Promise.all(hosts.map((h) => h.close()));
    throw e;
  }
  return {
    ...started,
    hosts,
    /** Every host's counts added up. */
    stats: () => hosts.reduce((total, h) => add(total, h.stats()), emptyCounts()),
    resetStats: () => hosts.forEach((h) => h.resetStats()),
    close: () => Promise.all(hosts.map((h) => h.close())),
  };
}

// As a script.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const hosts = await startFeedHosts({ port: Number(option("--port") ?? 0), log: args.includes("--verbose") ? console.error : undefined });
  const folder = option("--publish");
  if (folder) {
    for (const name of readdirSync(folder).filter((n) => n.endsWith(".json"))) {
      const bytes = readFileSync(join(folder, name));
      for (const host of hosts.hosts) if (host.kind !== "failing") host.publish(`/${name}`, bytes);
    }
  }
  console.log(JSON.stringify(Object.fromEntries(hosts.hosts.map((h) => [h.kind, h.origin]))));
  const stop = async () => {
    await hosts.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
