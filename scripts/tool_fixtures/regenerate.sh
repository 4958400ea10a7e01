#!/usr/bin/env bash
# Regenerates tests/fixtures/tools/{cdk,serverless}/<app>/<variant>.json with the real AWS CDK
# (Python, aws-cdk-lib pinned in cdk/requirements.txt) and the real Serverless Framework 3
# (pinned in serverless/package.json + package-lock.json).
#
# Everything is installed into a throwaway temp dir; nothing outside the fixture folder changes.
# Installing needs PyPI and npm; synthesizing and packaging run with no network at all (in a
# network namespace of their own, where `unshare -n` works), so neither tool can reach AWS.
#
# Usage: scripts/tool_fixtures/regenerate.sh [OUTPUT_DIR]   (default: tests/fixtures/tools)
#   PYTHON=python3.12 picks the interpreter for the CDK venv; KEEP_WORK=1 keeps the temp dir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/tests/fixtures/tools}"
python="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/safelambda-tool-fixtures.XXXXXX")"
if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    echo "work dir: $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# Run a command with no network where the machine allows it.
offline=()
if unshare -n true 2>/dev/null; then
    offline=(unshare -n)
else
    echo "warning: unshare -n is not available; synthesizing with the network reachable" >&2
fi

# A clean environment to synthesize in: no AWS profile, config or credentials of the caller.
clean_env=(
    env -i
    "PATH=$PATH"
    "HOME=$work/home"
    "TMPDIR=$work/tmp"
    "LANG=C.UTF-8"
    "TZ=UTC"
)
mkdir -p "$work/home" "$work/tmp"

variants=(v1 v2 v3)

# ---------------------------------------------------------------------------------------------
# CDK: app.synth() writes cdk.out/<Stack>.template.json through jsii (node); no cdk CLI needed.
# ---------------------------------------------------------------------------------------------
cdk_apps=(
    "current-version-alias:current_version_alias"
    "add-alias-provisioned:add_alias_provisioned"
    "rest-api-alias:rest_api_alias"
    "rest-api-plain:rest_api_plain"
    "stepfunctions:stepfunctions"
    "deployment-group:deployment_group"
)

echo "== installing aws-cdk-lib into $work/venv"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
    -r "$here/cdk/requirements.txt" 2> >(grep -v "^WARNING: Location" >&2)
cp -r "$here/cdk" "$work/cdk-src"
"$work/venv/bin/python" "$work/cdk-src/cli_context.py" >"$work/cdk-context.json"

cdk_env=(
    "${clean_env[@]}"
    "CDK_CONTEXT_JSON=$(cat "$work/cdk-context.json")"
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1"
    "PYTHONDONTWRITEBYTECODE=1"
)

for entry in "${cdk_apps[@]}"; do
    app="${entry%%:*}"
    module="${entry#*:}"
    rm -rf "$out/cdk/$app"
    mkdir -p "$out/cdk/$app"
    for variant in "${variants[@]}"; do
        echo "== cdk $app $variant"
        assembly="$work/cdk-out/$app/$variant"
        (cd "$work/cdk-src" && "${cdk_env[@]}" ${offline[@]+"${offline[@]}"} \
            "$work/venv/bin/python" "$module.py" "$variant" "$assembly")
        templates=("$assembly"/*.template.json)
        if [[ ${#templates[@]} -ne 1 || ! -f "${templates[0]}" ]]; then
            echo "error: expected one template in $assembly" >&2
            exit 1
        fi
        cp "${templates[0]}" "$out/cdk/$app/$variant.json"
    done
done

# ---------------------------------------------------------------------------------------------
# Serverless Framework 3: `serverless package` with dummy credentials, offline.
# ---------------------------------------------------------------------------------------------
sls_apps=(http queues schedule-eventbridge-s3)

echo "== installing serverless into $work/sls-tool"
mkdir -p "$work/sls-tool"
cp "$here/serverless/package.json" "$here/serverless/package-lock.json" "$work/sls-tool/"
# npm keeps the caller's environment: its registry and certificate settings live there.
(cd "$work/sls-tool" && npm ci --no-audit --no-fund --loglevel=error)
serverless="$work/sls-tool/node_modules/.bin/serverless"

for app in "${sls_apps[@]}"; do
    rm -rf "$out/serverless/$app"
    mkdir -p "$out/serverless/$app"
    for variant in "${variants[@]}"; do
        echo "== serverless $app $variant"
        project="$work/sls/$app/$variant"
        mkdir -p "$project"
        cp "$here/serverless/$app/serverless.yml" "$here/serverless/$app/handler.py" "$project/"
        log_level=INFO
        case "$variant" in
            v2) cp "$here/serverless/variants/v2/handler.py" "$project/handler.py" ;;
            v3) log_level=DEBUG ;;
        esac
        (cd "$project" && "${clean_env[@]}" \
            AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \
            SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off \
            "LOG_LEVEL=$log_level" \
            ${offline[@]+"${offline[@]}"} "$serverless" package --stage dev --region us-east-1)
        template="$project/.serverless/cloudformation-template-update-stack.json"
        if ! grep -q '"SafeLambda"' "$template"; then
            echo "warning: $app $variant: Transform: SafeLambda is not in the packaged template" >&2
        fi
        cp "$template" "$out/serverless/$app/$variant.json"
    done
done

echo "== wrote $out"
