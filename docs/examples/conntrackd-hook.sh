#!/bin/sh
# vipd hook for conntrackd (FTFW mode), installed as /usr/local/sbin/vipd-conntrackd
# and named by docs/examples/conntrackd-pair.yaml:
#   hooks: {master: [/usr/local/sbin/vipd-conntrackd, primary], backup: [..., backup],
#           fault: [..., fault]}
#
# vipd runs it without a shell in between, one at a time per group, in the
# order of the transitions, after the VIPs are added and announced; its
# output goes to vipd's log, its exit code to the events and metrics.
# vipd also sets VIPD_GROUP, VIPD_INSTANCE, VIPD_STATE, VIPD_PREVIOUS,
# VIPD_REASON and VIPD_VIPS (docs/checks.md); the argument wins over
# VIPD_STATE so the script can be run by hand too.
#
# What each role asks of conntrackd (conntrackd(8)):
#   primary: -c  commit the states learnt from the peer (external cache) to
#                the kernel, so established flows keep working here;
#            -f  flush the internal and external caches;
#            -R  resync the internal cache with the kernel's table;
#            -B  send a bulk update so the peer (now backup) learns it all.
#   backup:  -n  ask the new primary to resend its states (a resync).
#   fault:   -t  shorten the kernel's conntrack timers: states this node
#                no longer forwards expire instead of lingering.
set -u

CONNTRACKD=${CONNTRACKD:-/usr/sbin/conntrackd}
CONF=${CONNTRACKD_CONF:-/etc/conntrackd/conntrackd.conf}
role=${1:-${VIPD_STATE:-}}

log() {
	echo "vipd-conntrackd: ${VIPD_GROUP:-${VIPD_INSTANCE:-?}} $role: $*"
}

ctd() {
	if ! "$CONNTRACKD" -C "$CONF" "$@"; then
		log "conntrackd $* failed"
		return 1
	fi
}

# conntrackd not running: nothing to hand over; say so and succeed, the
# process check in the cluster file already made this node resign.
if ! pidof conntrackd >/dev/null 2>&1; then
	log "conntrackd is not running"
	exit 0
fi

case "$role" in
primary | master)
	rc=0
	ctd -c || rc=1
	ctd -f || rc=1
	ctd -R || rc=1
	ctd -B || rc=1
	log "states committed and resynced (previous: ${VIPD_PREVIOUS:-?})"
	exit $rc
	;;
backup)
	ctd -n || exit 1
	log "resync requested"
	;;
fault)
	ctd -t || exit 1
	log "kernel timers shortened"
	;;
*)
	echo "usage: $0 primary|backup|fault" >&2
	exit 2
	;;
esac
