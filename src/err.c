/* SPDX-License-Identifier: MIT */
/* Filling struct cg_err: the one way errors travel up to main.c. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"
#include "banned.h"

int
cg_err_set(struct cg_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	/* Truncation is fine: the message is for people. */
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
cg_err_nomem(struct cg_err *err)
{
	return cg_err_set(err, CG_ENOMEM, "out of memory");
}
