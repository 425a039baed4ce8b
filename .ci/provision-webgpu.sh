#!/usr/bin/env bash
# Provisions a software Vulkan driver (SwiftShader) so that Dawn, and with it tfjs's webgpu
# backend, runs on a machine without a GPU (issue 6). Debian's chromium-common ships
# /usr/lib/chromium/libvk_swiftshader.so and its ICD manifest vk_swiftshader_icd.json; the Vulkan
# loader comes from libvulkan1. (Debian's lavapipe, mesa-vulkan-drivers, is rejected by Dawn.)
#
# Prints one line on stdout: the value to export as VK_ICD_FILENAMES (empty when provisioning
# failed). Everything else goes to stderr. Never fails CI: when apt is unreachable it prints a
# visible warning and exits 0; the webgpu tests then skip, unless DPOCHECK_REQUIRE_WEBGPU=1, in
# which case they fail. Idempotent and quick (no apt call) when already installed.
#
# Usage in .ci/run:
#   VK_ICD_FILENAMES="$(.ci/provision-webgpu.sh)"; export VK_ICD_FILENAMES
set -uo pipefail

ICD=/usr/lib/chromium/vk_swiftshader_icd.json
LIB=/usr/lib/chromium/libvk_swiftshader.so

installed() {
  [[ -f "$ICD" && -f "$LIB" ]] && ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'
}

warn() { echo "WARNING (provision-webgpu): $*" >&2; }

if installed; then
  echo "provision-webgpu: SwiftShader already installed ($ICD)" >&2
  echo "$ICD"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  warn "apt-get not found (not Debian?): cannot install SwiftShader; webgpu tests will skip unless DPOCHECK_REQUIRE_WEBGPU=1"
  echo ""
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    warn "not root and no passwordless sudo: cannot install SwiftShader; webgpu tests will skip unless DPOCHECK_REQUIRE_WEBGPU=1"
    echo ""
    exit 0
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Bounded time: an unreachable mirror must not hang CI.
if ! timeout 300 $SUDO apt-get update -qq >&2 \
  || ! timeout 600 $SUDO apt-get install -y -qq --no-install-recommends chromium-common libvulkan1 >&2; then
  warn "apt-get could not install chromium-common libvulkan1 (mirror unreachable?); webgpu tests will skip unless DPOCHECK_REQUIRE_WEBGPU=1"
  echo ""
  exit 0
fi

if installed; then
  echo "provision-webgpu: installed SwiftShader ($ICD)" >&2
  echo "$ICD"
else
  warn "chromium-common installed but $ICD or libvulkan.so.1 is missing (package layout changed?); look with: dpkg -L chromium-common | grep swiftshader"
  echo ""
fi
exit 0
