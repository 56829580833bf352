#!/bin/sh
# A short run of every libFuzzer target (CI): 40 s for the config loader,
# 10 s for each packet parser, the control protocol and the HTTP request
# path, 20 s for the keepalived importer. Any crash, leak or timeout fails;
# no input may take more than a second (-timeout=1: the loader's limits,
# issue 12).
set -eu
cd "$(dirname "$0")/.."
scripts/fuzz.sh fuzz_config "${FUZZ_CONFIG_SECONDS:-40}" -timeout=1
scripts/fuzz.sh fuzz_vrrp_packet "${FUZZ_PACKET_SECONDS:-10}" -timeout=1
scripts/fuzz.sh fuzz_arpnd "${FUZZ_PACKET_SECONDS:-10}" -timeout=1
scripts/fuzz.sh fuzz_control "${FUZZ_PROTOCOL_SECONDS:-10}" -timeout=1
scripts/fuzz.sh fuzz_http "${FUZZ_PROTOCOL_SECONDS:-10}" -timeout=1
scripts/fuzz.sh fuzz_keepalived "${FUZZ_IMPORT_SECONDS:-20}" -timeout=1
scripts/fuzz.sh fuzz_bfd_packet "${FUZZ_PACKET_SECONDS:-10}" -timeout=1
