/* SPDX-License-Identifier: MIT */
/*
 * Functions that make buffer overflows or silent number errors easy
 * (git's banned.h).  Include last in every .c file.
 */
#ifndef CG_BANNED_H
#define CG_BANNED_H

#define CG_BANNED(func) sorry_##func##_is_banned

#undef strcpy
#define strcpy(x, y) CG_BANNED(strcpy)
#undef strcat
#define strcat(x, y) CG_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) CG_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) CG_BANNED(strncat)
#undef sprintf
#define sprintf(...) CG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CG_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) CG_BANNED(strtok)
#undef gets
#define gets(x) CG_BANNED(gets)
#undef atoi
#define atoi(x) CG_BANNED(atoi)
#undef atol
#define atol(x) CG_BANNED(atol)
#undef mktemp
#define mktemp(x) CG_BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) CG_BANNED(tmpnam)

#endif
