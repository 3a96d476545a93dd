#include <config.h>

#include <stdio.h>

#include "cmd/cmd.h"
#include "core/harden.h"

int
main(int argc, char **argv)
{
	if (harden_process() != 0) {
		perror("rdswatch: cannot disable core dumps");
		return CMD_EXIT_FAILURE;
	}
	return cmd_main(argc, argv);
}
