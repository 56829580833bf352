#!/bin/sh
# A short run of every libFuzzer target (CI): 40 s for the config loader,
# 10 s for each packet parser. Any crash, leak or timeout fails.
set -eu
cd "$(dirname "$0")/.."
scripts/fuzz.sh fuzz_config "${FUZZ_CONFIG_SECONDS:-40}"
scripts/fuzz.sh fuzz_vrrp_packet "${FUZZ_PACKET_SECONDS:-10}"
scripts/fuzz.sh fuzz_arpnd "${FUZZ_PACKET_SECONDS:-10}"
scripts/fuzz.sh fuzz_bfd_packet "${FUZZ_PACKET_SECONDS:-10}"
