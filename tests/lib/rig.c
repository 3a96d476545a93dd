#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig.h"

int
rig_in_ci(void)
{
	const char *ci = getenv("CI");

	return ci != NULL && strcmp(ci, "true") == 0;
}

void
rig_skip(const char *why)
{
	if (rig_in_ci()) {
		fprintf(stderr, "FAIL (CI=true forbids skipping): %s\n", why);
		exit(1);
	}
	printf("SKIP: %s\n", why);
	exit(77);
}

const char *
rig_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		char why[256];

		snprintf(why, sizeof why, "%s is not set: start the rig first", name);
		rig_skip(why);
	}
	return v;
}
