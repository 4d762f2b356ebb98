#!/usr/bin/env bash
# Installs what imsentry needs on Debian 12 (bookworm) or later.
#   contrib/install-deps.sh          build + run dependencies
#   contrib/install-deps.sh --test   also what the test suite needs
# Idempotent: packages already present are not fetched again.
set -euo pipefail

pkgs=(build-essential cmake pkg-config libpcap-dev libyaml-dev libjansson-dev nettle-dev
      python3)
if [ "${1:-}" = "--test" ]; then
    # check: unit tests; python3-*: integration tests and schema validation;
    # tshark: independent dissection of our sample captures; iproute2: live
    # capture test in a network namespace; clang + libclang-rt: sanitizer build.
    pkgs+=(check python3-yaml python3-jsonschema python3-scapy tshark iproute2 valgrind)
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# tshark asks whether non-root users may capture; answer no without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
