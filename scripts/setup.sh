#!/usr/bin/env bash
# Installs what ncpi needs on Debian 12: system libraries, then a virtual environment in .venv.
#   scripts/setup.sh          for building documents
#   scripts/setup.sh --test   also what the tests need (poppler, Chromium, axe-core, and
#                             LibreOffice's Writer, which opens the Word export as Word would)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0)
# Debian's own Python needs python3-venv for `python3 -m venv`; other Pythons bring ensurepip.
"${PYTHON:-python3}" -c "import ensurepip" 2>/dev/null || packages+=(python3-venv)
test_extras=0
if [ "${1:-}" = "--test" ]; then
  test_extras=1
  packages+=(poppler-utils chromium chromium-driver libreoffice-writer-nogui)
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$test_extras" = 1 ]; then
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"
  if [ -f package.json ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
    npm ci --silent --no-audit --no-fund
  fi
else
  .venv/bin/python -m pip install -q -c constraints.txt -e .
fi
# ncpi's own templates compiled once, as pip compiles Python modules: every run then saves
# the 0.1 s of compiling them (ncpi reads them from .venv/share/ncpi and never writes there).
rm -rf .venv/share/ncpi/template-bytecode  # compiled by an earlier ncpi, perhaps otherwise
.venv/bin/python -c "from ncpi.render.templating import compile_installed_templates as c; c()"
# And its own files hashed, each with its status: a run trusts a hash while its file is as it
# was (as Python trusts a compiled module), rather than reading 4 MB of code and fonts again.
.venv/bin/python -c "from ncpi.build.incremental import record_installed_hashes as r; r()"
.venv/bin/ncpi --version
