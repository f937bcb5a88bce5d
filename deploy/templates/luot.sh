#!/bin/sh
# `luot` as this box's servers run it: their environment (${env_file}), their user.
set -a
. ${env_file}
set +a
if [ "$$(id -u)" = 0 ]; then
    exec runuser -u luot -- ${code}/.venv/bin/luot "$$@"
fi
exec ${code}/.venv/bin/luot "$$@"
