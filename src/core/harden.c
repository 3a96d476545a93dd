#include <config.h>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "core/harden.h"

int
harden_process(void)
{
	struct rlimit none = { 0, 0 };
	int rc = 0;

	umask(077);
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		rc = -1;
	/* Non-dumpable also keeps other processes of the same user from
	 * attaching with ptrace or reading /proc/PID/mem. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		rc = -1;
	return rc;
}
