/* nl_bench -- how long net_apply takes for N macvlans with one address
 * each (create, address, up), next to `ip -batch` doing the same.
 *
 * Usage: nl_bench [N [--delete]]   (root; N defaults to 1000). Each
 * measurement runs in a network namespace of its own. A throwaway measurement: bench/apply is its
 * proper home. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "net/nl_apply.h"
#include "net/nl_live.h"
#include "st.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void host_addr(char *buf, size_t len, int i)
{
	int h = i + 2;

	snprintf(buf, len, "10.200.%d.%d/16", (h >> 8) & 255, h & 255);
}

static void macvlan_plan(struct plan *p, int n, const char *prefix)
{
	char name[LIVE_NAME_MAX], a[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		host_addr(a, sizeof(a), i);
		st_macvlan(p, "", name, "e0", 4);
		st_addr(p, PLAN_ADDR_ADD, "", name, a, VIPD_ADDR_PROTO_NODE);
		st_push(p, PLAN_LINK_UP, "", name)->up = true;
	}
}

static double timed_apply(struct st *t, const struct plan *p)
{
	struct net_apply_report rep;
	double t0 = now();
	int err = net_apply(&t->ctx, p, &rep);

	if (err) {
		fprintf(stderr, "nl_bench: %s\n", rep.message);
		exit(1);
	}
	return now() - t0;
}

static double timed_ip_batch(int n, bool add)
{
	char path[] = "/tmp/nl_bench.XXXXXX", cmd[128], a[32];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	double t0;
	int rc;

	if (!f)
		exit(1);
	for (int i = 0; i < n; i++) {
		host_addr(a, sizeof(a), i);
		if (add)
			fprintf(f,
				"link add ip%d link e0 type macvlan mode bridge\n"
				"addr add %s dev ip%d\nlink set ip%d up\n",
				i, a, i, i);
		else
			fprintf(f, "link del ip%d\n", i);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "ip -batch %s", path);
	t0 = now();
	rc = system(cmd);
	t0 = now() - t0;
	unlink(path);
	if (rc != 0)
		exit(1);
	return t0;
}

/* One measurement in a child with a network namespace of its own, which
 * dies with it (deleting 1000 macvlans one by one takes the kernel ~18 s,
 * for ip and for us alike: measured once with --delete). */
static double measure(int n, bool ours, bool del, double *t_del, double *t_read)
{
	int fd[2];
	double res[3] = {-1, 0, 0};
	pid_t pid;

	if (pipe(fd) < 0 || (pid = fork()) < 0)
		exit(1);
	if (pid == 0) {
		struct st t = {0};
		struct plan p = {0};
		struct live_state ls;

		close(fd[0]);
		if (unshare(CLONE_NEWNET) < 0 || net_ctx_init(&t.ctx) < 0)
			_exit(77);
		st_veth(&p, "", "e0", "e0p", "", 0);
		st_push(&p, PLAN_LINK_UP, "", "e0")->up = true;
		timed_apply(&t, &p);
		plan_free(&p);
		if (ours) {
			macvlan_plan(&p, n, "mv");
			res[0] = timed_apply(&t, &p);
			plan_free(&p);
			res[2] = now();
			if (net_read_live(&t.ctx, NULL, 0, &ls) < 0)
				_exit(1);
			res[2] = now() - res[2];
			live_state_free(&ls);
			for (int i = 0; del && i < n; i++) {
				char name[LIVE_NAME_MAX];

				snprintf(name, sizeof(name), "mv%d", i);
				st_push(&p, PLAN_LINK_DEL, "", name);
			}
			if (del)
				res[1] = timed_apply(&t, &p);
			plan_free(&p);
		} else {
			res[0] = timed_ip_batch(n, true);
			if (del)
				res[1] = timed_ip_batch(n, false);
		}
		if (write(fd[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		net_ctx_done(&t.ctx);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], res, sizeof(res)) != sizeof(res))
		res[0] = -1;
	close(fd[0]);
	waitpid(pid, NULL, 0);
	*t_del = res[1];
	*t_read = res[2];
	return res[0];
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	bool del = argc > 2 && strcmp(argv[2], "--delete") == 0;
	enum { ROUNDS = 5 };
	double ours[ROUNDS], ip[ROUNDS], d_ours = 0, d_ip = 0, rd = 0, x;

	if (geteuid() != 0) {
		fprintf(stderr, "nl_bench: needs root\n");
		return 77;
	}
	for (int r = 0; r < ROUNDS; r++) {
		ours[r] = measure(n, true, del && r == 0, r == 0 ? &d_ours : &x, r == 0 ? &rd : &x);
		ip[r] = measure(n, false, del && r == 0, r == 0 ? &d_ip : &x, &x);
		if (ours[r] < 0 || ip[r] < 0)
			return 1;
		if (r == 0 && del)
			del = false;
	}
	qsort(ours, ROUNDS, sizeof(double), cmp_d);
	qsort(ip, ROUNDS, sizeof(double), cmp_d);
	printf("%d macvlans, 1 address each, up (median of %d, min..max):\n", n, ROUNDS);
	printf("  net_apply  %.3f s (%.3f..%.3f), %.0f us/link\n", ours[ROUNDS / 2], ours[0],
	       ours[ROUNDS - 1], ours[ROUNDS / 2] * 1e6 / n);
	printf("  ip -batch  %.3f s (%.3f..%.3f), %.0f us/link\n", ip[ROUNDS / 2], ip[0],
	       ip[ROUNDS - 1], ip[ROUNDS / 2] * 1e6 / n);
	printf("  net_read_live of %d links: %.3f s\n", n + 3, rd);
	if (d_ours > 0)
		printf("  delete all: net_apply %.3f s, ip -batch %.3f s\n", d_ours, d_ip);
	return 0;
}
