/* Files rdswatch creates are private: mode 0600, directories 0700, and a
 * symlink where a file should be is refused (it could point an attacker's
 * choice of file at our history or logs). Also the XDG locations. */
#ifndef RW_CORE_FILES_H
#define RW_CORE_FILES_H

#include <stdio.h>

/* Creates PATH and its missing parents with mode 0700. An existing final
 * component must be a real directory (not a symlink). Returns 0, or -1
 * with *why set to a newly allocated message. */
int files_mkdir_private(const char *path, char **why);
/* Creates the parent directories of the file PATH (0700). */
int files_mkdir_parent_private(const char *path, char **why);

/* open(2) with O_NOFOLLOW and O_CLOEXEC, creating with mode 0600. An
 * existing file must be a regular file owned by us; if group or others
 * could read it, its mode is narrowed to 0600. Returns an fd or -1 with
 * *why set. */
int files_open_private(const char *path, int flags, char **why);
/* The same as a stdio stream; MODE is "w", "a", "r+" etc. */
FILE *files_fopen_private(const char *path, const char *mode, char **why);

/* Whether PATH is a regular file that group or others can read (a config
 * file holding a secret must not be). 1 yes, 0 no, -1 cannot tell. */
int files_is_group_or_world_readable(const char *path);

/* $XDG_STATE_HOME/rdswatch (default ~/.local/state/rdswatch) and
 * $XDG_CONFIG_HOME/rdswatch (default ~/.config/rdswatch); newly allocated.
 * Relative XDG values are ignored, as the spec says. */
char *files_state_dir(void);
char *files_config_dir(void);
/* $HOME, or the passwd entry's home directory. Newly allocated. */
char *files_home_dir(void);

/* Reads a whole file of at most MAX bytes. Returns a NUL-terminated
 * buffer (length in *len when not NULL) or NULL with *why set. */
char *files_read_all(const char *path, size_t max, size_t *len, char **why);

#endif
