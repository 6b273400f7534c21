/* SPDX-License-Identifier: MIT */
/*
 * The floor under every cascadeguard command that opens a repository: a
 * process linked with libgit2 that only initialises and shuts it down
 * (Debian's libgit2 1.5 loads the system CA bundle into mbedTLS there).
 * Timed by bench/run.sh next to the scenarios.
 */
#include <git2.h>

int
main(void)
{
	if (git_libgit2_init() < 0)
		return 2;
	git_libgit2_shutdown();
	return 0;
}
