// Checks the loopback feed hosts (feed-hosts.mjs) themselves, without a browser:
//   node --test feed-hosts.test.mjs
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { startFeedHosts, feedHeader, headerMessage, newSigningKey, signedHeader, withHeader, fluxSpan } from "./feed-hosts.mjs";

let hosts;
before(async () => {
  hosts = await startFeedHosts({ port: 0 });
});
after(() => hosts.close());

const publisher = newSigningKey();
/** A feed file as the app exports one (pretty JSON, the header among the top-level fields). */
function feed(sequence, title = "Atelier") {
  const header = signedHeader({ editeur: "essais", nom: "Centre des essais", nature: "centre", sequence, publie_le: "2026-03-01T10:00:00Z" }, publisher);
  const file = {
    format: "prototheque-catalogue",
    version: 1,
    flux: header,
    centres: [{ id: "essais", nom: "Centre des essais", note: 4.0 }],
    prototypes: [{ id: "p", titre: title, resume: "{\"flux\": 1}" }],
  };
  // `4.0` kept as written: a forgery must leave every other byte alone.
  return Buffer.from(JSON.stringify(file, null, 2).replace('"note": 4', '"note": 4.0'));
}

const verifies = (header) =>
  verify(null, headerMessage(header), createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: header.signature.cle }, format: "jwk" }), Buffer.from(header.signature.valeur, "base64url"));

test("the header is found at the top level only, and replaced leaving the rest byte for byte", () => {
  const bytes = feed(7);
  const text = bytes.toString();
  assert.equal(feedHeader(bytes).sequence, 7);
  assert.ok(verifies(feedHeader(bytes)));
  const other = withHeader(bytes, { ...feedHeader(bytes), sequence: 8 });
  assert.equal(feedHeader(other).sequence, 8);
  assert.ok(!verifies(feedHeader(other)), "a changed header no longer verifies");
  const span = fluxSpan(text);
  assert.equal(other.toString().slice(0, span.start), text.slice(0, span.start));
  assert.ok(other.toString().endsWith(text.slice(span.end)));
  assert.ok(other.toString().includes('"note": 4.0'));
  assert.equal(feedHeader(Buffer.from('{"a":{"flux":1},"b":"\\"flux\\""}')), null);
});

test("cors: CORS and validators, 304 on If-None-Match and If-Modified-Since, counts per path", async () => {
  const { cors } = hosts;
  const url = cors.publish("/flux.json", feed(1));
  let r = await fetch(url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  assert.equal(r.headers.get("cache-control"), "no-cache");
  const etag = r.headers.get("etag");
  const lastModified = r.headers.get("last-modified");
  assert.ok(etag && lastModified);
  assert.equal(feedHeader(Buffer.from(await r.arrayBuffer())).sequence, 1);

  r = await fetch(url, { headers: { "if-none-match": etag } });
  assert.equal(r.status, 304);
  r = await fetch(url, { headers: { "if-modified-since": lastModified } });
  assert.equal(r.status, 304);

  cors.publish("/flux.json", feed(2));
  r = await fetch(url, { headers: { "if-none-match": etag, "if-modified-since": lastModified } });
  assert.equal(r.status, 200, "a new file is sent even within the same second");
  assert.notEqual(r.headers.get("etag"), etag);
  assert.equal(feedHeader(Buffer.from(await r.arrayBuffer())).sequence, 2);
  r = await fetch(url, { headers: { "if-modified-since": lastModified } });
  assert.equal(r.status, 200, "Last-Modified moved on too");
  await r.arrayBuffer();

  assert.deepEqual(cors.stats("/flux.json"), { requests: 5, conditional: 4, ok: 3, notModified: 2, notFound: 0, failed: 0, bytes: cors.stats("/flux.json").bytes });
  const stats = await (await fetch(`${cors.origin}/__stats`)).json();
  assert.equal(stats.paths["/flux.json"].notModified, 2);

  r = await fetch(cors.url("/absent.json"));
  assert.equal(r.status, 404);
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  assert.equal(cors.stats("/absent.json").notFound, 1);

  await fetch(`${cors.origin}/__stats`, { method: "DELETE" });
  assert.equal(cors.stats().requests, 0);
});

test("PUT publishes; nocors serves the same without the CORS header", async () => {
  const { nocors } = hosts;
  const r = await fetch(nocors.url("/mis.json"), { method: "PUT", body: feed(3) });
  assert.equal(r.status, 201);
  const got = await fetch(nocors.url("/mis.json"));
  assert.equal(got.status, 200);
  assert.equal(got.headers.get("access-control-allow-origin"), null);
  assert.equal(feedHeader(Buffer.from(await got.arrayBuffer())).sequence, 3);
});

test("failing: 500, or the connection closed", async () => {
  const { failing } = hosts;
  const r = await fetch(failing.url("/flux.json"));
  assert.equal(r.status, 500);
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  await assert.rejects(fetch(failing.url("/coupe/flux.json")));
  assert.equal(failing.stats().failed, 2);
});

test("older: the newest until rolled back, then the first", async () => {
  const { older } = hosts;
  older.publish("/flux.json", feed(10));
  older.publish("/flux.json", feed(11));
  const seq = async () => feedHeader(Buffer.from(await (await fetch(older.url("/flux.json"))).arrayBuffer())).sequence;
  assert.equal(await seq(), 11);
  older.rollBack("/flux.json");
  assert.equal(await seq(), 10);
});

test("forged: header changed, another key, a version changed", async () => {
  const { forged } = hosts;
  const original = feed(20);
  forged.publish("/flux.json", original);
  const get = async () => Buffer.from(await (await fetch(forged.url("/flux.json"))).arrayBuffer());

  let got = await get(); // "header" by default
  let header = feedHeader(got);
  assert.equal(header.sequence, 21);
  assert.equal(header.signature.cle, publisher.cle);
  assert.ok(!verifies(header));

  forged.forge("/flux.json", "key");
  header = feedHeader(await get());
  assert.ok(verifies(header), "validly signed…");
  assert.notEqual(header.signature.cle, publisher.cle, "…by another key");
  assert.equal(header.signature.cle, forged.key.cle);

  forged.forge("/flux.json", "version");
  got = await get();
  assert.deepEqual(feedHeader(got), feedHeader(original));
  assert.ok(got.toString().includes('"titre": "Falsifié : Atelier"'));

  forged.forge("/flux.json", "none");
  assert.deepEqual(await get(), original);
});

test("a huge file is sent with its honest size, and stops when the reader does", async () => {
  const { cors } = hosts;
  const size = 129 * 1024 * 1024;
  cors.publishHuge("/enorme.json", size);
  const r = await fetch(cors.url("/enorme.json"));
  assert.equal(r.status, 200);
  assert.equal(Number(r.headers.get("content-length")), size);
  const reader = r.body.getReader();
  const { value } = await reader.read();
  assert.ok(value.length > 0);
  await reader.cancel();
  await new Promise((ok) => setTimeout(ok, 200));
  assert.ok(cors.stats("/enorme.json").bytes < size, "not all of it was sent");
});
