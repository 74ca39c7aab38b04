// Records every value the page's progress bar (the import's, or the catalogue's while it loads)
// takes, from the start of a page load, in
// `window.__progress`. Shared by the end-to-end tests and the app benchmark; passed to
// `addInitScript`, so it must stay self-contained.
export function watchProgress() {
  window.__progress = [];
  new MutationObserver(() => {
    const bar = document.querySelector("div.progress > progress[value]");
    if (bar) {
      const v = Number(bar.getAttribute("value"));
      if (window.__progress.at(-1) !== v) window.__progress.push(v);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["value"] });
}
