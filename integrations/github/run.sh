#!/usr/bin/env bash
# The GitHub Action's step (action.yml): scan to SARIF, on pull requests write the delta against the base
# branch to the job summary, then exit with the scan's code so the upload step still runs (if: always()).
# Inputs come as THREATLINE_* variables; tests run this script directly with THREATLINE_COMMAND set to a
# local build.
set -uo pipefail

if [[ -n "${THREATLINE_COMMAND:-}" ]]; then
  read -r -a cli <<<"$THREATLINE_COMMAND"
elif [[ -n "${GITHUB_ACTION_PATH:-}" ]]; then
  # The CLI of the action's own revision: no package is looked up by name on the registry (no "threatline"
  # package is published, and whatever holds that name there is not this tool).
  (cd "$GITHUB_ACTION_PATH" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || exit 2
  cli=(node "$GITHUB_ACTION_PATH/apps/cli/bin/threatline.mjs")
else
  echo "::error::Set THREATLINE_COMMAND (how to run threatline) when this script runs outside the action." >&2
  exit 2
fi
read -r -a paths <<<"${THREATLINE_PATHS:-.}"

options=()
[[ -n "${THREATLINE_CONFIG:-}" ]] && options+=(--config "$THREATLINE_CONFIG")
[[ -n "${THREATLINE_RULES:-}" ]] && options+=(--rules "$THREATLINE_RULES")

scan=(scan "${paths[@]}" "${options[@]}" --format sarif --output "${THREATLINE_SARIF:-threatline.sarif}")
[[ -n "${THREATLINE_FAIL_ON:-}" ]] && scan+=(--fail-on "$THREATLINE_FAIL_ON")
[[ -n "${THREATLINE_BASELINE:-}" ]] && scan+=(--baseline "$THREATLINE_BASELINE")

echo "::group::threatline ${scan[*]}"
"${cli[@]}" "${scan[@]}"
code=$?
echo "::endgroup::"

if [[ "${GITHUB_EVENT_NAME:-}" == pull_request* && -n "${GITHUB_BASE_REF:-}" && "${THREATLINE_PR_SUMMARY:-true}" == "true" ]]; then
  # actions/checkout fetches one commit by default: bring the base branch in to compare with.
  git fetch --no-tags --quiet origin "+refs/heads/${GITHUB_BASE_REF}:refs/remotes/origin/${GITHUB_BASE_REF}" 2>/dev/null || true
  summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
  if ! "${cli[@]}" diff "${paths[@]}" "${options[@]}" --base "origin/${GITHUB_BASE_REF}" --format markdown >>"$summary"; then
    echo "::warning::threatline diff could not compare with origin/${GITHUB_BASE_REF}; the scan's result stands."
  fi
fi

[[ -n "${GITHUB_OUTPUT:-}" ]] && echo "exit-code=$code" >>"$GITHUB_OUTPUT"
case "$code" in
  0) ;;
  1) echo "::error::Threatline found threats at or above ${THREATLINE_FAIL_ON} (see the code-scanning alerts)." ;;
  3) echo "::error::Threatline could not analyse some files (see the log)." ;;
  *) echo "::error::Threatline failed (exit $code)." ;;
esac
exit "$code"
