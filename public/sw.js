// Prototèque service worker: once the first visit has finished, serves the whole app from cache,
// so it works in a workshop room without network. The list of files and the version below are
// written at build time by scripts/precache.sh from what Trunk produced: a new build gets a new
// version, installs beside the old one, and waits until the page asks it to take over.
const VERSION = "__PRECACHE_VERSION__";
const FILES = __PRECACHE_FILES__;
const CACHE = `prototheque-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("prototheque-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page asks a waiting version to take over when the person clicks "Recharger".
self.addEventListener("message", (event) => {
  if (event.data === "prendre-la-main") self.skipWaiting();
});

// Only the build's own files are answered from the cache: never a feed, nor any other request.
const PRECACHED = new Set(FILES.map((f) => new URL(f, self.registration.scope).href));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Every address of the app (deep links included) is the same page: the cached shell.
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match("index.html")).then((shell) => shell || fetch(request)),
    );
    return;
  }
  if (!PRECACHED.has(request.url)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(request)).then((cached) => cached || fetch(request)),
  );
});
