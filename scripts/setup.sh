#!/usr/bin/env bash
# Installs what tinyforge builds and tests with, from Debian packages.
# Idempotent: installs only what is missing and says nothing when all is there.
set -euo pipefail

packages=(
  build-essential cmake            # compiler and build
  flatbuffers-compiler libflatbuffers-dev   # flatc 2.0.8 + runtime headers
  libeigen3-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev googletest          # tests
  libssl-dev                       # sha256 for emitted model headers
  zlib1g-dev                       # compressed-size figures
  libstb-dev                       # PNG/JPG/BMP decoding and resizing for image datasets
  libsndfile1-dev                  # WAV sources
  libsimde-dev                     # tests: the AVX-512 VNNI kernel emulated on any CPU
  xxd                              # the emit tests compare against real xxd -i
  python3-numpy                    # the .npy tests compare bytes with numpy.save
  qemu-system-arm                  # tests: the Cortex-M4 TFLM oracle (../shared/tflm-m4)
  clang libclang-rt-14-dev         # the libFuzzer targets (scripts/fuzz.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
