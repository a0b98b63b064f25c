#!/bin/sh
# Container entry for `tiny-backspace`: secrets may come as files (compose/Docker/Kubernetes secrets),
# `NAME_FILE=/run/secrets/…` for each credential variable. The value is read into the variable's own
# environment entry, never into argv, so `ps` and `docker inspect` of the command line never show it.
set -eu
for name in TINY_BACKSPACE_SERVER_TOKEN GITHUB_TOKEN ANTHROPIC_API_KEY OPENAI_API_KEY E2B_API_KEY; do
  file_var="${name}_FILE"
  eval "file=\${$file_var:-}"
  if [ -n "$file" ]; then
    if [ ! -r "$file" ]; then
      echo "tiny-backspace: $file_var names $file, which is not a readable file." >&2
      exit 64
    fi
    value=$(cat "$file")
    export "$name=$value"
    unset "$file_var"
  fi
done
if [ "${1:-}" = "serve" ]; then
  shift
  exec node /app/dist/cli.js serve --port "${TINY_BACKSPACE_PORT:-8787}" "$@"
fi
exec node /app/dist/cli.js "$@"
