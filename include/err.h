/* SPDX-License-Identifier: MIT */
/*
 * Errors: the tool could not work (bad usage, unreadable object, out of
 * memory).  A finding is never an error.  Functions that can fail return 0
 * or a negative CG_E* code and fill the caller's struct cg_err.
 */
#ifndef CG_ERR_H
#define CG_ERR_H

#define CG_ENOMEM	(-1)	/* out of memory */
#define CG_ESYS		(-2)	/* system call failed */
#define CG_EGIT		(-3)	/* libgit2 failed */
#define CG_ESQL		(-4)	/* SQLite failed outside a migration */
#define CG_EINPUT	(-5)	/* bad input: revision, config, stdin */
#define CG_EUSAGE	(-6)	/* bad command line */

#define CG_ERR_MSG_BYTES 512

struct cg_err {
	int code;
	char msg[CG_ERR_MSG_BYTES];	/* fixed, so out-of-memory never allocates */
};

#define CG_ERR_INIT { 0, "" }

/*
 * Record an error and return its code, so call sites can write
 * `return cg_err_set(err, CG_EINPUT, "bad revision '%s'", rev);`.
 * A NULL err is allowed.  Messages are lowercase, one line, no period.
 */
int cg_err_set(struct cg_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record CG_ENOMEM with a fixed message; returns CG_ENOMEM. */
int cg_err_nomem(struct cg_err *err);

#endif
