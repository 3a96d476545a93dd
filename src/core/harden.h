/* Process hardening applied before anything else runs: files are private
 * and a crash never writes credentials to a core file. */
#ifndef RW_CORE_HARDEN_H
#define RW_CORE_HARDEN_H

/* umask 077, RLIMIT_CORE 0, PR_SET_DUMPABLE 0. Returns 0, or -1 with errno
 * set when the kernel refused (the caller decides whether that is fatal). */
int harden_process(void);

#endif
