# Shared by the .ci scripts: bring a fresh machine to what the application needs.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages the application needs at run time (WeasyPrint's Pango, the Times-metric
# font with every Vietnamese letter) and, for the browser tests, Chromium.
ensure_debian_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

RUNTIME_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 poppler-utils)

# A virtual environment with exactly the locked versions (hash-checked).
ensure_venv() {
    local lock="$1"
    local python="${PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "Python 3.11 or newer is required (found: $("$python" --version 2>&1))." >&2
        exit 1
    fi
    if [ ! -x "$PY" ]; then
        log "Creating the virtual environment in .venv"
        "$python" -m venv "$VENV"
    fi
    local pip_lock="$ROOT/.ci/requirements-pip.lock"
    if ! cmp -s "$pip_lock" "$VENV/.installed-pip"; then
        log "Installing the locked pip"
        "$PY" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$pip_lock" \
            2>&1 | grep -v '^WARNING: Location' >&2 || true
        cp "$pip_lock" "$VENV/.installed-pip"
    fi
    local stamp="$VENV/.installed-$(basename "$lock")"
    if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
        log "Installing locked dependencies from ${lock#"$ROOT"/}"
        "$PY" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock" \
            2>&1 | grep -v '^WARNING: Location' >&2 || true
        "$PY" -c 'import flask, sqlalchemy, transitions, weasyprint' \
            || { echo "Dependency installation failed." >&2; exit 1; }
        cp "$lock" "$stamp"
    fi
}
