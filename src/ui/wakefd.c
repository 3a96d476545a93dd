#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmalloc.h"
#include "ui/wakefd.h"

int
wakefd_open(char **why)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		*why = xasprintf("cannot create an eventfd: %s", strerror(errno));
	return fd;
}

void
wakefd_signal(int fd)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is already non-zero: awake anyway. */
	if (write(fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_debug(LOG_UI, "feed: cannot signal the eventfd: %s", strerror(errno));
}

void
wakefd_drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof n) == (ssize_t)sizeof n)
		;
}
