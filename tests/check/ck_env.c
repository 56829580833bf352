/* Scratch namespaces, shell commands and loop control for check_selftest. */
#include "ck.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <event2/event.h>

#include "check/check_io.h"
#include "check/gw_probe.h"
#include "check/link_watch.h"

static bool vsh(struct ck *t, bool report, const char *fmt, va_list ap)
{
	char cmd[1024];
	int n = vsnprintf(cmd, sizeof(cmd), fmt, ap), rc;

	if (n < 0 || (size_t)n + 20 >= sizeof(cmd)) {
		print_error("command too long: %s\n", fmt);
		return false;
	}
	if (t->verbose)
		print_message("+ %s\n", cmd);
	else
		strcat(cmd, " >/dev/null 2>&1");
	fflush(stdout);
	rc = system(cmd);
	if (rc != 0 && report) {
		cmd[n] = '\0'; /* without the redirection */
		print_error("command failed (status %d): %s\n", rc, cmd);
	}
	return rc == 0;
}

bool ck_sh(struct ck *t, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vsh(t, true, fmt, ap);
	va_end(ap);
	return ok;
}

bool ck_try(struct ck *t, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vsh(t, false, fmt, ap);
	va_end(ap);
	return ok;
}

void ck_on_change(void *arg, bool up, const char *reason)
{
	struct ck_watch *w = arg;

	w->calls++;
	w->up = up;
	snprintf(w->reason, sizeof(w->reason), "%s", reason);
	w->at_ms = check_now_ms();
	if (w->t->verbose)
		print_message("  callback %d: %s (%s)\n", w->calls, up ? "up" : "down", reason);
	event_base_loopbreak(w->t->base);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(bool *)arg = true;
}

bool ck_wait(struct ck *t, struct ck_watch *w, int calls, unsigned max_ms)
{
	struct timeval tv = {.tv_sec = max_ms / 1000, .tv_usec = (max_ms % 1000) * 1000};
	bool expired = false;
	struct event *ev = evtimer_new(t->base, on_deadline, &expired);

	evtimer_add(ev, &tv);
	while (w->calls < calls && !expired)
		event_base_loop(t->base, EVLOOP_ONCE);
	event_free(ev);
	return w->calls >= calls;
}

void ck_run(struct ck *t, unsigned ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	bool expired = false;
	struct event *ev = evtimer_new(t->base, on_deadline, &expired);

	evtimer_add(ev, &tv);
	while (!expired)
		event_base_loop(t->base, EVLOOP_ONCE);
	event_free(ev);
}

int ck_private_netns_dir(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("ck-netns", NETNS_RUN_DIR, "tmpfs", MS_NODEV | MS_NOEXEC | MS_NOSUID,
		  "mode=0755") < 0)
		return -errno;
	return 0;
}

bool ck_veth_add(struct ck *t)
{
	nlo_forget(&t->ops, t->node, "ck0");
	nlo_forget(&t->ops, t->gw, "ck1");
	return ck_sh(t, "ip -n %s link add ck0 type veth peer name ck1", t->node) &&
	       ck_sh(t, "ip -n %s link set ck1 netns %s", t->node, t->gw) &&
	       ck_sh(t, "ip -n %s addr add 192.0.2.11/24 dev ck0", t->node) &&
	       ck_sh(t, "ip -n %s addr add 2001:db8::11/64 dev ck0 nodad", t->node) &&
	       ck_sh(t, "ip -n %s addr add 192.0.2.1/24 dev ck1", t->gw) &&
	       ck_sh(t, "ip -n %s addr add 2001:db8::1/64 dev ck1 nodad", t->gw) &&
	       ck_sh(t, "ip -n %s link set ck0 up", t->node) &&
	       ck_sh(t, "ip -n %s link set ck1 up", t->gw);
}

bool ck_veth_reset(struct ck *t)
{
	/* ckx: renamed; ckbr: the bridge ck0 joins; either end removes both */
	static const char *const stale[] = {"ck0", "ckx", "ckbr"};

	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		ck_try(t, "ip -n %s link del %s", t->node, stale[i]);
	ck_try(t, "ip -n %s link del ck1", t->gw);
	return ck_veth_add(t);
}

bool ck_netns_up(struct ck *t)
{
	const char *ns[] = {t->node, t->gw};

	for (int i = 0; i < 2; i++) {
		int err = netns_create(ns[i]);

		if (err < 0) {
			print_error("create namespace %s: %s\n", ns[i], strerror(-err));
			return false;
		}
		/* without them a link going down flushes IPv6 addresses, and
		 * one added again is tentative for a second */
		if (!ck_sh(t,
			   "ip netns exec %s sysctl -qw net.ipv6.conf.all.keep_addr_on_down=1 "
			   "net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0",
			   ns[i]) ||
		    !ck_sh(t, "ip -n %s link set lo up", ns[i]))
			return false;
	}
	return true;
}

void ck_release(struct ck *t)
{
	gw_probe_free(t->probe);
	t->probe = NULL;
	link_watch_free(t->lw);
	t->lw = NULL;
	t->w = (struct ck_watch){.t = t};
	t->missing = (struct ck_watch){.t = t};
}

bool ck_topo_down(struct ck *t)
{
	const char *ns[] = {t->node, t->gw};
	bool gone = true;

	for (int i = 0; i < 2; i++) {
		int err = 0;

		net_ctx_forget(&t->ctx, ns[i]);
		if (netns_exists(ns[i]))
			err = netns_delete(ns[i]);
		if (err < 0) {
			print_error("delete namespace %s: %s\n", ns[i], strerror(-err));
			gone = false;
		}
	}
	return gone;
}

int ck_link_set(struct ck *t, const char *ns, const char *ifname, bool up, uint64_t *at)
{
	int err = nlo_link_up(&t->ops, ns, ifname, up);

	*at = check_now_ms();
	if (err < 0)
		print_error("set %s/%s %s: %s\n", ns, ifname, up ? "up" : "down", strerror(-err));
	return err;
}

int ck_addr_set(struct ck *t, const char *ns, const char *ifname, const char *cidr, bool add,
		uint64_t *at)
{
	struct live_addr a = {0};
	const char *why;
	int err = ip_parse(cidr, true, &a.addr, &why);

	if (err == 0)
		err = add ? nlo_addr_add(&t->ops, ns, ifname, &a)
			  : nlo_addr_del(&t->ops, ns, ifname, &a);
	*at = check_now_ms();
	if (err < 0)
		print_error("%s %s on %s/%s: %s\n", add ? "add" : "delete", cidr, ns, ifname,
			    strerror(-err));
	return err;
}
