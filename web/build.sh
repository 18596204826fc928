#!/usr/bin/env bash
# Rebuild chiplet_kg/static/yasgui/ from the pinned npm package (web/package.json + web/package-lock.json).
#
# Runs `npm ci --ignore-scripts` in a temporary copy of web/ (no install script runs; the lockfile's integrity
# hashes are checked by npm), then copies YASGUI's distributed browser build, its licence, the licences of the
# packages it bundles, and a manifest of sha256 sums (MANIFEST.json, checked by tests/test_yasgui.py).
# Needs node and npm, and the npm registry; nothing else. Usage: bash web/build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$root/chiplet_kg/static/yasgui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

pkg="$work/node_modules/@zazuko/yasgui"
version="$(node -p "require('$pkg/package.json').version")"
integrity="$(node -p "require('$work/package-lock.json').packages['node_modules/@zazuko/yasgui'].integrity")"

mkdir -p "$out"
staging="$(mktemp -d "$out/../.yasgui-staging.XXXXXX")"
trap 'rm -rf "$work" "$staging"' EXIT
# The browser build, byte for byte as the tarball holds it. Its CSS loads no font or image (no url()),
# so these two files are all the page needs. The source map (3.5 MB) is left out: browsers fetch it only
# while developer tools are open.
cp "$pkg/build/yasgui.min.js" "$pkg/build/yasgui.min.css" "$staging/"
# The npm package ships no licence file; its package.json says MIT. LICENSE.yasgui is the upstream repository's
# (github.com/rdfjs/Yasgui, LICENSE at commit 40555f4).
cp "$here/LICENSE.yasgui" "$staging/LICENSE"

# The licences of every package in the lockfile (the bundle inlines the runtime ones: CodeMirror, jQuery,
# DataTables, DOMPurify, Font Awesome icons, …).
node - "$work" "$staging/THIRD-PARTY-LICENSES.txt" <<'JS'
const fs = require("fs"), path = require("path");
const [work, dest] = process.argv.slice(2);
const lock = require(path.join(work, "package-lock.json"));
const parts = [];
for (const key of Object.keys(lock.packages).sort()) {
  if (!key) continue;
  const dir = path.join(work, key);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const files = fs.readdirSync(dir).filter(f => /^(licen[cs]e|copying)/i.test(f)).sort();
  let text = files.map(f => fs.readFileSync(path.join(dir, f), "utf8").trim()).join("\n\n");
  if (!text) text = "(the package ships no licence file)";
  const license = typeof meta.license === "string" ? meta.license : JSON.stringify(meta.license || meta.licenses || "unknown");
  parts.push(`${"=".repeat(78)}\n${meta.name}@${meta.version} — ${license}\n${"=".repeat(78)}\n${text}\n`);
}
fs.writeFileSync(dest, parts.join("\n"));
JS

# MANIFEST.json: where each file came from and its sha256, so a test can check the committed copy without npm.
node - "$staging" "$version" "$integrity" <<'JS'
const fs = require("fs"), path = require("path"), crypto = require("crypto");
const [dir, version, integrity] = process.argv.slice(2);
const sha = f => crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, f))).digest("hex");
const files = {};
for (const f of ["yasgui.min.js", "yasgui.min.css"])
  files[f] = {sha256: sha(f), from: `package/build/${f}`};
for (const f of ["LICENSE", "THIRD-PARTY-LICENSES.txt"]) files[f] = {sha256: sha(f)};
const manifest = {package: "@zazuko/yasgui", version, integrity, files};
fs.writeFileSync(path.join(dir, "MANIFEST.json"), JSON.stringify(manifest, null, 1) + "\n");
JS

# Swap the files in; README.md and chiplet-kg.js (ours, not from npm) stay.
for f in "$staging"/*; do mv -f "$f" "$out/"; done
echo "YASGUI $version -> $out"
