#!/usr/bin/env bash
# Installs the Debian packages tensorlite's builds and tests need. Idempotent: packages already
# present are skipped. As root it runs apt-get; otherwise it prints the command to run.
set -euo pipefail

PACKAGES=(
  gcc clang make valgrind                                   # C runtime: host builds, sanitizers, callgrind
  libclang-rt-dev                                           # clang's sanitizer + libFuzzer runtimes (make fuzz)
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm # Cortex-M port under QEMU
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user    # AArch64 (NEON) cross build, run under qemu-aarch64
  openmpi-bin libopenmpi-dev                                # tl.distribute's multi-worker tests: mpirun, mpi4py's build
  emscripten nodejs chromium                                # WebAssembly build (runtimes/wasm), its node and browser tests
  pocl-opencl-icd ocl-icd-opencl-dev oclgrind clinfo        # GPU delegate (runtimes/gpu) on PoCL's CPU OpenCL; oclgrind checks
  wrk                                                       # HTTP load generator of bench/bench_serving.py
)
# npm comes with NodeSource's nodejs (which conflicts with Debian's npm package); Debian's nodejs needs it apart.
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "bootstrap: missing Debian packages; run as root:"
  echo "  apt-get update && $cmd"
  exit 1
fi
echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
