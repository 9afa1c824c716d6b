#!/bin/sh
# Static template: the project's files are the site. Copied to dist/ so the preview serves a
# snapshot and never the directory generated code keeps writing to.
set -eu
cd /workspace
[ -f index.html ] || { echo "No index.html: write one at the project root." >&2; exit 2; }
rm -rf dist
mkdir dist
for f in * .[!.]*; do
  [ -e "$f" ] || continue
  [ "$f" = dist ] && continue
  cp -R -- "$f" dist/
done
echo "copied $(find dist -type f | wc -l) files"
