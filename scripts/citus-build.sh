#!/usr/bin/env bash
# Builds and installs Citus from the vendored source (third_party/citus/) into the system
# PostgreSQL 15, once: nothing is done when the same build is installed already (same archive,
# same patch, same PostgreSQL minor). Needs root (apt-get, make install), like scripts/deps.sh.
#
# Citus is not packaged by Debian. Its extension library is compiled against the server's
# headers (postgresql-server-dev-15) and refuses nothing when the running server is another
# minor, yet 15.20's headers differ from 15.18's (have_createdb_privilege became exported), so
# the server and the headers are installed together, at the same minor, before building.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VENDOR="$ROOT/third_party/citus"
VERSION=13.2.2
ARCHIVE="$VENDOR/citus-$VERSION.tar.gz"
PATCH="$VENDOR/pg15.20-have_createdb_privilege.patch"
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config

if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO=""; fi

# The server, its headers and the libraries Citus links (columnar compression, the HTTP client
# of its statistics collector, GSSAPI for libpq connections between nodes).
packages=(postgresql-15 postgresql-client-15 postgresql-server-dev-15
          libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev patch)
installed_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
server=$(installed_version postgresql-15)
headers=$(installed_version postgresql-server-dev-15)
if [ ${#missing[@]} -gt 0 ] || [ "$server" != "$headers" ]; then
  echo "citus-build: installing ${missing[*]:-} (server $server, headers ${headers:-none}: same minor needed)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # Both named together so that apt brings them to the same (newest) version.
  $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
  server=$(installed_version postgresql-15)
  headers=$(installed_version postgresql-server-dev-15)
fi
if [ "$server" != "$headers" ]; then
  echo "citus-build: postgresql-15 is $server but postgresql-server-dev-15 is $headers; they must be the same minor" >&2
  exit 1
fi

# What identifies this build: a change in any of these builds again.
(cd "$VENDOR" && sha256sum -c --quiet "citus-$VERSION.tar.gz.sha256") || {
  echo "citus-build: $ARCHIVE does not match its sha256" >&2; exit 1; }
stamp_text="citus $VERSION archive $(cut -d' ' -f1 "$VENDOR/citus-$VERSION.tar.gz.sha256") patch $(sha256sum "$PATCH" | cut -d' ' -f1) postgresql $server"
sharedir=$("$PG_CONFIG" --sharedir)
libdir=$("$PG_CONFIG" --pkglibdir)
stamp="$sharedir/extension/citus.tenantd-build"
if [ -f "$libdir/citus.so" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
  echo "citus-build: Citus $VERSION already installed for PostgreSQL $server"
  exit 0
fi

work="$ROOT/var/citus-build"
rm -rf "$work"
mkdir -p "$work"
tar -xzf "$ARCHIVE" -C "$work"
src="$work/citus-$VERSION"
patch -d "$src" -p1 --quiet <"$PATCH"
echo "citus-build: building Citus $VERSION against PostgreSQL $server (a few minutes)"
(
  cd "$src"
  ./configure PG_CONFIG="$PG_CONFIG" >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log"; exit 1; }
  # with_llvm=no: no JIT bitcode (Debian's server is built with LLVM, so PGXS would compile
  # every file a second time with clang); the server's JIT then just does not inline Citus code.
  make -j"${JOBS:-2}" with_llvm=no >"$work/make.log" 2>&1 || { tail -40 "$work/make.log"; exit 1; }
  $SUDO make install with_llvm=no >"$work/install.log" 2>&1 || { tail -20 "$work/install.log"; exit 1; }
)
echo "$stamp_text" | $SUDO tee "$stamp" >/dev/null
rm -rf "$work"
echo "citus-build: installed Citus $VERSION"
