/* SPDX-License-Identifier: MIT */
/*
 * Times a command as a whole process, several runs, and prints the
 * median, min and max wall time and the peak resident memory:
 *
 *   runner [-n runs] [-w warmups] [-C dir] [-i stdin-file] label -- cmd [args]
 *
 * Exit codes of the command are reported, not judged (a check that finds
 * errors exits 1 and is still a valid measurement).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
run_once(char **argv, const char *dir, const char *in, double *ms,
    long *maxrss_kb, int *code)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	double t0;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	if (dir != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	t0 = now_ms();
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "runner: cannot run %s: %s\n", argv[0],
		    strerror(rc));
		return -1;
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	*ms = now_ms() - t0;
	*maxrss_kb = ru.ru_maxrss;
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *in = NULL, *label;
	int runs = 7, warm = 1, i, c, code = 0;
	long rss, peak = 0;
	double *t, ms;

	while ((c = getopt(argc, argv, "+n:w:C:i:")) != -1) {
		switch (c) {
		case 'n': runs = (int)strtol(optarg, NULL, 10); break;
		case 'w': warm = (int)strtol(optarg, NULL, 10); break;
		case 'C': dir = optarg; break;
		case 'i': in = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind < 3 || strcmp(argv[optind + 1], "--") != 0 ||
	    runs < 1) {
		fprintf(stderr, "usage: runner [-n runs] [-w warmups] [-C dir] "
		    "[-i stdin] label -- cmd [args]\n");
		return 2;
	}
	label = argv[optind];
	argv += optind + 2;
	t = calloc((size_t)runs, sizeof(*t));
	if (t == NULL)
		return 2;
	for (i = 0; i < warm; i++)
		if (run_once(argv, dir, in, &ms, &rss, &code) < 0)
			return 2;
	for (i = 0; i < runs; i++) {
		if (run_once(argv, dir, in, &t[i], &rss, &code) < 0)
			return 2;
		if (rss > peak)
			peak = rss;
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	printf("%-44s median %8.1f ms  min %8.1f  max %8.1f  peak %6.1f MiB"
	    "  (n=%d, exit %d)\n", label, t[runs / 2], t[0], t[runs - 1],
	    peak / 1024.0, runs, code);
	free(t);
	return 0;
}
