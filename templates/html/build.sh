#!/bin/sh
# Static template: the project's files are the site. Copied to dist/ so the preview serves a
# snapshot and never the directory generated code keeps writing to; then every page gets the
# preview error reporter as its first script (templates/runtime/inject-reporter.mjs).
set -eu
cd /workspace
[ -f index.html ] || { echo "No index.html: write one at the project root." >&2; exit 2; }
rm -rf dist
mkdir dist
for f in * .[!.]*; do
  [ -e "$f" ] || continue
  # dist is the output; .tessera and node_modules belong to the runner, not to the site.
  case "$f" in dist|.tessera|node_modules) continue ;; esac
  cp -R -- "$f" dist/
done
/usr/bin/node /opt/tessera/inject-reporter.mjs dist
echo "copied $(find dist -type f | wc -l) files"
