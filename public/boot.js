// Starts the app from a file rather than an inline script, so that the Content-Security-Policy
// can forbid inline scripts. Trunk fills the data attributes of the tag that loads this file
// (see `pattern_script` in Trunk.toml).
//
// It also tells people, in French, when the app cannot start or has stopped: a panic in the
// wasm module ends as a `WebAssembly.RuntimeError` (release builds abort at once, see
// scripts/lib.sh), after which nothing on the page answers any more.

/** Shows one alert at the top of the page, with a button that reloads it. */
function stopped(text) {
  if (document.getElementById("prototheque-arret")) return;
  const alert = document.createElement("div");
  alert.id = "prototheque-arret";
  alert.className = "stopped";
  alert.setAttribute("role", "alert");
  const p = document.createElement("p");
  p.textContent = text;
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "primary";
  reload.textContent = "Recharger la page";
  reload.addEventListener("click", () => location.reload());
  alert.append(p, reload);
  document.body.prepend(alert);
  reload.focus();
}

function crashed(error) {
  if (error instanceof WebAssembly.RuntimeError) {
    stopped(
      "Prototèque s'est arrêté à cause d'une erreur inattendue. Ce qui était déjà enregistré " +
        "dans ce navigateur est conservé. Rechargez la page pour continuer.",
    );
  }
}
addEventListener("error", (event) => crashed(event.error));
addEventListener("unhandledrejection", (event) => crashed(event.reason));

const tag = document.getElementById("prototheque-boot");
try {
  const { default: init } = await import(new URL(tag.dataset.js, document.baseURI));
  await init({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });
} catch (error) {
  console.error(error);
  if (error instanceof WebAssembly.RuntimeError) {
    crashed(error);
  } else {
    stopped(
      "Prototèque n'a pas pu se charger. Vérifiez la connexion à Internet, puis rechargez la page.",
    );
  }
}
