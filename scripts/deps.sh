#!/usr/bin/env bash
# Installs the Debian packages tenantd needs; does nothing when they are all present.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libpqxx-dev libpistache-dev rapidjson-dev libspdlog-dev libfmt-dev libgtest-dev libssl-dev
  postgresql-15 postgresql-client-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
  wrk curl openssl python3 jq iproute2
  clang-format  # make format-check (.ci/run): Debian 12 ships version 14, the one .clang-format is written for
  pgbouncer  # the integration tests start their own; the package's service is not used
  libcurl4-openssl-dev  # JWT_JWKS_URL is fetched with libcurl
  nodejs  # test-only: an independent JWT library (tests/tools/jwt) checks the tokens tenantd signs
  libidn2-dev libpsl-dev publicsuffix  # custom domains: IDNA to ASCII, refusing a public suffix alone
  dnsmasq-base  # the domain tests' DNS server (the binary without the system service)
  caddy  # the on-demand TLS test starts its own on loopback; the package's service is not used
  chromium fonts-dejavu-core  # browser tests: headless Debian chromium driven by puppeteer-core (tests/tools/browser)
  python3-prometheus-client  # the /metrics test parses the exposition with the reference parser
  python3-yaml  # build step: docs/openapi.yaml -> the JSON served at /openapi.json
  python3-jsonschema  # the OpenAPI contract test validates answers against the document's schemas
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm comes with nodejs from some sources and as Debian's own package otherwise.
command -v npm >/dev/null || missing+=(npm)
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO=""; fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
    echo "deps: missing packages ${missing[*]}; run as root or install them" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The Debian postgresql package would start its own cluster; ours lives in the project.
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Test-only npm tools, pinned by their lock file, installed here and never while tests run.
root="$(cd "$(dirname "$0")/.." && pwd)"
for tool in jwt:jose browser:puppeteer-core openapi:@redocly/cli; do
  dir="$root/tests/tools/${tool%%:*}"
  if [ ! -f "$dir/node_modules/${tool#*:}/package.json" ]; then
    echo "deps: npm ci in tests/tools/${tool%%:*}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
