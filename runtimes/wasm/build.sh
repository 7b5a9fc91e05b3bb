#!/usr/bin/env bash
# Builds the C runtime (runtimes/c, without threads/) to WebAssembly with Debian's emscripten 3.1.6:
#   dist/tensorlite-simd.wasm  with wasm SIMD (-msimd128: the optimized tier's SIMD128 micro-kernels)
#   dist/tensorlite.wasm       without (the optimized tier's portable C), for engines lacking SIMD
# Each is a standalone wasm module (no emscripten JS glue: src/tensorlite.js loads it and chooses
# one by feature detection). The flags are pinned here. Skips the build when the sources, this
# script and the compiler are those of the last build (dist/.stamp); FORCE=1 rebuilds.
# Usage: sh build.sh   (or: npm run build)
set -euo pipefail
cd "$(dirname "$0")"
C=${TL_C_DIR:-../c}   # the C runtime's tree (default: this checkout's)
OUT=dist
# Debian's emcc runs its JS optimizer under node, which needs Debian's node modules (acorn, ...).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
command -v emcc >/dev/null || { echo "build.sh: emcc not found (Debian: apt-get install emscripten)" >&2; exit 1; }

SRCS=($C/src/*.c $C/kernels/*.c $C/kernels/common/*.c $C/kernels/opt/*.c src/tl_wasm.c)
# Exported: the tlw_* entry points of src/tl_wasm.h and the allocator the JS side copies data with.
EXPORTS=$(sed -n 's/^TLW_EXPORT [^(]*[ *]\(tlw_[a-z0-9_]*\)(.*/_\1/p' src/tl_wasm.h | tr '\n' ',')
EXPORTS="${EXPORTS}_malloc,_free,_tl_interpreter_get_input_count,_tl_interpreter_get_output_count"
EXPORTS="${EXPORTS},_tl_interpreter_get_input,_tl_interpreter_get_output,_tl_interpreter_get_node_count"
# -O3: on MobileNetV2 (CPU time per invoke in Node, the SIMD build) -O2 is as fast for float32 but about 10%
# slower for int8, for 20 KB less gzipped wasm; -Os is 85 KB less but 25% slower; -flto gains nothing.
WARN=(-std=c99 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
FLAGS=(-O3 -I$C/include -I$C/src --no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB
       -sTOTAL_STACK=1MB -sEXPORTED_FUNCTIONS=$EXPORTS -sERROR_ON_UNDEFINED_SYMBOLS=0)
# Undefined symbols become imports; the check after linking allows exactly these (src/tensorlite.js gives them).
IMPORTS='env.emscripten_notify_memory_growth env.tlw_now'

stamp=$( (cat build.sh "${SRCS[@]}" src/tl_wasm.h $C/include/*.h $C/include/*.def $C/src/*.h $C/src/*.def \
          $C/kernels/common/*.h $C/kernels/opt/*.h; emcc --version | sed -n 1p) | sha256sum | cut -c1-16)
if [ "${FORCE:-0}" != 1 ] && [ -f $OUT/.stamp ] && [ "$(cat $OUT/.stamp)" = "$stamp" ] \
   && [ -f $OUT/tensorlite.wasm ] && [ -f $OUT/tensorlite-simd.wasm ]; then
  echo "build.sh: dist/ is up to date"
  exit 0
fi
mkdir -p $OUT
rm -f $OUT/.stamp
emcc "${WARN[@]}" "${FLAGS[@]}" "${SRCS[@]}" -o $OUT/tensorlite.wasm &
emcc "${WARN[@]}" "${FLAGS[@]}" -msimd128 "${SRCS[@]}" -o $OUT/tensorlite-simd.wasm &
ok=1
wait %1 || ok=0
wait %2 || ok=0
[ $ok = 1 ] || { echo "build.sh: emcc failed" >&2; exit 1; }
for w in $OUT/tensorlite.wasm $OUT/tensorlite-simd.wasm; do
  got=$(node -e 'const m = new WebAssembly.Module(require("fs").readFileSync(process.argv[1]));
    console.log(WebAssembly.Module.imports(m).map((i) => i.module + "." + i.name).sort().join(" "))' "$w")
  [ "$got" = "$IMPORTS" ] || { echo "build.sh: $w imports '$got', expected '$IMPORTS'" >&2; exit 1; }
done
cp src/tensorlite.js src/tensorlite.d.ts $OUT/
echo "$stamp" > $OUT/.stamp
ls -l $OUT/*.wasm
