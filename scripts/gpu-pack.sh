#!/usr/bin/env bash
# Packs what a borrowed GPU machine lacks, so scripts/gpu-check.sh runs there in one call:
#
#   scripts/gpu-pack.sh [DIR]          (default .gpu, git-ignored; then run scripts/gpu-device.sh there)
#
# The machine receives the checkout and nothing else (≤ 64 MiB in all): it has no Node, no
# node_modules, no parity fixtures and no Vulkan loader. DIR gets
#   bundle.tar.xz   bin/node (this machine's Node) and node_modules (production dependencies only,
#                   with optional ones such as esbuild's linux-x64 binary; ONNX Runtime's binaries
#                   for other platforms dropped)
#   *.deb           libvulkan1 for amd64 (Dawn's WebGPU runs on Vulkan; unpacked there with dpkg -x)
#   fixture-*.tar.xz  as many parity fixtures as fit, in the order below: a fixture is ~5.5 MB of
#                   float32 weights that do not compress, and the call is refused above 64 MiB.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$(mkdir -p "${1:-$ROOT/.gpu}" && cd "${1:-$ROOT/.gpu}" && pwd)"
FIXTURES="${FIXTURES:-$ROOT/../shared/fixtures/parity}"
LIMIT_MIB=64

if [[ "$(uname -m)" != x86_64 ]]; then
  echo "gpu-pack: this machine is $(uname -m); the GPU machine is x86-64 and needs x86-64 builds of Node and the native modules." >&2
  exit 2
fi
if [[ ! -d "$ROOT/node_modules/onnxruntime-node" ]]; then
  echo "gpu-pack: node_modules is missing; run npm install first." >&2
  exit 2
fi
if [[ ! -d "$FIXTURES" ]]; then
  echo "gpu-pack: parity fixtures not found at $FIXTURES; set FIXTURES=path/to/fixtures/parity." >&2
  exit 2
fi
command -v xz >/dev/null || {
  echo "gpu-pack: xz is needed (apt-get install -y xz-utils)." >&2
  exit 2
}

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
cp "$(command -v node)" "$stage/bin/node"

# Production dependencies: prune a hard-linked copy (pruning removes links, never the originals).
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$stage/"
cp -al "$ROOT/node_modules" "$stage/node_modules"
(cd "$stage" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
# ONNX Runtime ships every platform's binaries; the machine is Linux x64.
find "$stage/node_modules/onnxruntime-node/bin" -mindepth 3 -maxdepth 3 -type d ! -path '*/linux/x64' -exec rm -rf {} +
# better-sqlite3's bundled SQLite sources are for building only.
rm -rf "$stage/node_modules/better-sqlite3/deps" "$stage/node_modules/better-sqlite3/src"
rm -rf "$stage/node_modules/better-sqlite3/build/Release/obj" "$stage/node_modules/better-sqlite3/build/Release/obj.target"
if [[ ! -d "$stage/node_modules/@esbuild/linux-x64" ]]; then
  echo "gpu-pack: @esbuild/linux-x64 is missing after pruning; tsx (the CLI's loader) cannot start without it." >&2
  exit 1
fi
rm -f "$stage/package.json" "$stage/package-lock.json"

echo "gpu-pack: compressing $(du -sh "$stage" | cut -f1) into $DIR/bundle.tar.xz"
rm -f "$DIR"/*.deb "$DIR/bundle.tar.xz" "$DIR"/fixture-*.tar.xz
tar -C "$stage" -cf - bin node_modules | xz -T0 -9 >"$DIR/bundle.tar.xz"

# The Vulkan loader for amd64, whatever this machine's own architecture lists say.
lists="$(mktemp -d)"
mkdir -p "$lists/partial"
apt_amd64=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
if apt-get "${apt_amd64[@]}" update -qq >/dev/null 2>&1 && (cd "$DIR" && apt-get "${apt_amd64[@]}" download -qq libvulkan1 >/dev/null 2>&1); then
  :
else
  echo "gpu-pack: could not download libvulkan1 (apt); WebGPU there needs the machine's own loader." >&2
fi
rm -rf "$lists"

tree_bytes="$(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)"
limit=$((LIMIT_MIB * 1024 * 1024 - 1024 * 1024)) # 1 MiB to spare for files added before the call
total() { echo $((tree_bytes + $(du -cb "$DIR"/* | tail -1 | cut -f1))); }
if (($(total) > limit)); then
  echo "gpu-pack: the tree and the bundle alone come to $(($(total) / 1048576)) MiB, over the ${LIMIT_MIB} MiB a call carries." >&2
  exit 1
fi
# The sequence-classification and QA fixtures first: they are the two every task's encoder and
# both kinds of head go through; the others add the token head and the other families.
packed=() left=()
for name in bert-tiny-seqcls bert-tiny-qa bert-tiny-tokencls roberta-tiny-seqcls distilbert-tiny-seqcls bert-tiny-multilabel; do
  [[ -f "$FIXTURES/$name/expected.json" ]] || continue
  tar -C "$FIXTURES" -cf - "$name" | xz -T0 -9 >"$DIR/fixture-$name.tar.xz"
  if (($(total) > limit)); then
    rm -f "$DIR/fixture-$name.tar.xz"
    left+=("$name")
  else
    packed+=("$name")
  fi
done
jlist() { node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' -- "$@"; }
echo "{\"pack\":\"$DIR\",\"total_bytes\":$(total),\"tree_bytes\":$tree_bytes,\"limit_bytes\":$((LIMIT_MIB * 1024 * 1024)),\"fixtures\":$(jlist "${packed[@]}"),\"fixtures_left_out\":$(jlist "${left[@]}")}"
