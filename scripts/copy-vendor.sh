#!/bin/sh
# Copies the npm libraries the browser loads (their dist files only) into frontend/vendor/,
# which `tantou serve` serves at /vendor/. Run after `npm ci` (by `make build` and the Dockerfile).
set -eu
cd "$(dirname "$0")/.."
target=frontend/vendor/leaflet
rm -rf "$target"
mkdir -p "$target"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$target/"
cp -R node_modules/leaflet/dist/images "$target/"
cp node_modules/leaflet/LICENSE "$target/"
echo "frontend: vendored leaflet $(node -p 'require("./node_modules/leaflet/package.json").version') into $target"
target=frontend/vendor/echarts
rm -rf "$target"
mkdir -p "$target"
# The ESM build, loaded by the console's figures page alone (a dynamic import).
cp node_modules/echarts/dist/echarts.esm.min.mjs "$target/echarts.esm.min.js"
cp node_modules/echarts/LICENSE node_modules/echarts/NOTICE "$target/"
echo "frontend: vendored echarts $(node -p 'require("./node_modules/echarts/package.json").version') into $target"
