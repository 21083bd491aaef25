#!/usr/bin/env bash
# Lints the committed OpenAPI document with Redocly's CLI (run by ./mvnw verify). It needs Node.js: CI installs it
# (.ci/run) and fails without it; a machine with only a JDK skips the lint and says so.
set -euo pipefail
version="$1" config="$2" document="$3"
if ! command -v npx >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "lint-openapi: npx (Node.js) is not installed; .ci/run installs it" >&2
    exit 1
  fi
  echo "lint-openapi: skipped, Node.js is not installed (apt-get install nodejs npm to lint the OpenAPI document)"
  exit 0
fi
exec npx --yes "@redocly/cli@$version" lint --config="$config" "$document"
