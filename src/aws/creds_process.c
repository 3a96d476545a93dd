/* credential_process: runs the user's command (split as a shell would
 * split words, run without a shell, as botocore does) and reads
 * {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken",
 * "Expiration"} from its standard output. The child gets our
 * environment unchanged and the user's words as its arguments: rdswatch
 * adds no secret to either. Its stderr is read, not shown (the TUI owns
 * the terminal), and its first line goes into the error message. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/creds_internal.h"
#include "aws/json.h"
#include "core/buf.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

extern char **environ;

#define PROCESS_MAX_OUTPUT (64u << 10)
#define PROCESS_TIMEOUT_MS (60 * 1000LL)

struct aws_process {
	char *command;
	char *profile;
};

/* Splits COMMAND into words: whitespace separates, '...' and "..." quote,
 * backslash escapes (outside single quotes). Returns the count, or -1 on
 * an unterminated quote. *argv is NULL-terminated. */
int aws_process_split(const char *command, char ***argv);

int
aws_process_split(const char *command, char ***argv)
{
	struct buf w = BUF_INIT;
	int n = 0, in_word = 0;
	char quote = 0;

	*argv = xcalloc(1, sizeof **argv);
	for (const char *p = command;; p++) {
		char ch = *p;

		if (ch == '\0' || (!quote && (ch == ' ' || ch == '\t' || ch == '\n'))) {
			if (quote && ch == '\0')
				break;
			if (in_word) {
				*argv = xreallocarray(*argv, (size_t)n + 2, sizeof **argv);
				(*argv)[n++] = buf_detach(&w);
				(*argv)[n] = NULL;
				in_word = 0;
			}
			if (ch == '\0')
				break;
			continue;
		}
		in_word = 1;
		if (quote == '\'' ) {
			if (ch == '\'')
				quote = 0;
			else
				buf_append_char(&w, ch);
		} else if (ch == '\\' && p[1] != '\0' && (!quote || strchr("\"\\$`", p[1]) != NULL)) {
			buf_append_char(&w, *++p);
		} else if (quote == '"' && ch == '"') {
			quote = 0;
		} else if (!quote && (ch == '\'' || ch == '"')) {
			quote = ch;
			buf_append_char(&w, '\0');	/* "" is an empty word */
			w.len--;
		} else {
			buf_append_char(&w, ch);
		}
	}
	buf_free(&w);
	if (quote) {
		for (int i = 0; i < n; i++)
			free((*argv)[i]);
		free(*argv);
		*argv = NULL;
		return -1;
	}
	return n;
}

static void
aws_process_free_argv(char **argv)
{
	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Runs ARGV; fills OUT and ERRTEXT; returns the exit status, or -1 with
 * *why (spawn failure or timeout). */
static int
aws_process_run(char **argv, int64_t deadline, struct buf *out, struct buf *errtext,
    const char **why)
{
	int po[2], pe[2], status = 0, open_fds = 2;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	*why = NULL;
	if (pipe2(po, O_CLOEXEC) != 0)
		return *why = "pipe failed", -1;
	if (pipe2(pe, O_CLOEXEC) != 0) {
		close(po[0]);
		close(po[1]);
		return *why = "pipe failed", -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		return *why = "cannot run the command", -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	while (open_fds > 0) {
		struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		int64_t left = deadline - time_mono_ms();
		char chunk[4096];

		if (left <= 0) {
			*why = "timed out";
			break;
		}
		if (poll(fds, 2, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			struct buf *b = i == 0 ? out : errtext;
			ssize_t n;

			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i].fd, chunk, sizeof chunk);
			if (n <= 0) {
				close(i == 0 ? po[0] : pe[0]);
				if (i == 0)
					po[0] = -1;
				else
					pe[0] = -1;
				open_fds--;
			} else if (b->len + (size_t)n <= PROCESS_MAX_OUTPUT) {
				buf_append(b, chunk, (size_t)n);
			}
			OPENSSL_cleanse(chunk, sizeof chunk);
		}
	}
	if (po[0] >= 0)
		close(po[0]);
	if (pe[0] >= 0)
		close(pe[0]);
	if (*why != NULL)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (*why != NULL)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
aws_process_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline,
    struct aws_creds *out, struct rw_error *err)
{
	struct aws_process *pp = p->priv;
	struct buf sout = BUF_INIT, serr = BUF_INIT;
	char **argv = NULL, *cprofile = sanitize_str(pp->profile), *source;
	const char *why;
	int status, rc = -1;
	int64_t limit = time_mono_ms() + PROCESS_TIMEOUT_MS;

	(void)ctx;
	if (aws_process_split(pp->command, &argv) <= 0) {
		err_set(err, ERR_AUTH, NULL, NULL,
		    "profile %s: credential_process is empty or has an unterminated quote", cprofile);
		goto out;
	}
	/* A credential helper may open a browser or ask a daemon; it gets
	 * up to a minute even if the call's deadline is shorter. */
	status = aws_process_run(argv, deadline > limit ? deadline : limit, &sout, &serr, &why);
	redact_apply(&serr);
	if (status != 0) {
		char *first = xstrndup(buf_str(&serr), strcspn(buf_str(&serr), "\r\n"));
		char *clean = sanitize_str(first);

		if (status < 0)
			err_set(err, ERR_AUTH, NULL, NULL, "profile %s: credential_process %s", cprofile, why);
		else
			err_set(err, ERR_AUTH, NULL, NULL, "profile %s: credential_process exited %d%s%s",
			    cprofile, status, *clean != '\0' ? ": " : "", clean);
		free(first);
		free(clean);
		goto out;
	}
	{
		cJSON *j = cJSON_ParseWithLength(buf_str(&sout), sout.len);
		double version = 0;

		if (j == NULL || aws_json_num(j, "Version", &version) != 1 || version != 1) {
			err_set(err, ERR_AUTH, NULL, NULL,
			    "profile %s: credential_process printed no JSON with \"Version\": 1",
			    cprofile);
		} else {
			source = xasprintf("credential_process of profile %s", cprofile);
			rc = aws_creds_from_json(j, "AccessKeyId", "SecretAccessKey", "SessionToken",
			    "Expiration", source, out, "credential_process", err);
			free(source);
		}
		aws_json_wipe(j);
		cJSON_Delete(j);
	}
out:
	if (sout.data != NULL)
		OPENSSL_cleanse(sout.data, sout.len);
	buf_free(&sout);
	buf_free(&serr);
	aws_process_free_argv(argv);
	free(cprofile);
	return rc;
}

static void
aws_process_destroy(struct aws_provider *p)
{
	struct aws_process *pp = p->priv;

	free(pp->command);
	free(pp->profile);
	free(pp);
}

static const struct aws_provider_ops aws_process_ops = { "credential_process", aws_process_load,
	aws_process_destroy };

struct aws_provider *
aws_provider_process(const char *command, const char *profile)
{
	struct aws_process *pp = xcalloc(1, sizeof *pp);

	pp->command = xstrdup(command);
	pp->profile = xstrdup(profile);
	return aws_provider_new(&aws_process_ops, pp);
}
