#!/usr/bin/env bash
# Writes the service worker of a build: the list of every file Trunk produced (to precache) and a
# version derived from their contents, from the template public/sw.js.
# Runs as Trunk's post_build hook (on $TRUNK_STAGING_DIR), or by hand on a built folder:
#   scripts/precache.sh dist
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-${TRUNK_STAGING_DIR:?give a folder or run as a Trunk hook}}"
template="$here/public/sw.js"
cd "$dir"
# flux/ (the demo centres' feeds, public/flux/) is left out on purpose: a feed is fetched again
# and again to see whether it changed, so the service worker must never answer it from its cache
# (sw.js serves from the cache only what this list names).
mapfile -t files < <(find . -type f ! -name sw.js ! -name '*.map' ! -path './flux/*' -printf '%P\n' | LC_ALL=C sort)
version=$(sha256sum "${files[@]}" | sha256sum | cut -c1-16)
list=$(printf '"%s",' "./" "${files[@]}")
list="[${list%,}]"
sed -e "s|__PRECACHE_VERSION__|$version|" -e "s|__PRECACHE_FILES__|$list|" "$template" >sw.js
echo "service worker : ${#files[@]} fichiers en cache, version $version" >&2
