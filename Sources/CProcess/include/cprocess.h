#ifndef CPROCESS_H
#define CPROCESS_H

#include <sys/types.h>

/// Starts `/bin/sh -c command` (vfork and exec) as the leader of a new process group, every
/// signal at its default disposition and none blocked, standard input on /dev/null, standard
/// output and standard error on one pipe, and no other descriptor of the caller. The shell gets
/// SIGKILL when the calling thread ends (PR_SET_PDEATHSIG), so call it from a thread that lives
/// as long as the process: the shell then dies with the process, however that ends. Its
/// environment is the caller's, except that `overrides` (NULL, or a NULL-terminated array of
/// `NAME=value` entries) replace or add the variables they name. Returns 0 and sets `*pid` and
/// `*output_fd` (the pipe's reading end, close-on-exec, owned by the caller), or returns an errno
/// value (when the shell could not be executed, the child has exited with 127).
int cprocess_spawn_shell(const char *command, char *const overrides[], pid_t *pid, int *output_fd);

/// Makes the calling process a child subreaper (prctl PR_SET_CHILD_SUBREAPER): the processes its
/// descendants leave behind become its children when their parents exit. Returns 0 or an errno value.
int cprocess_become_child_subreaper(void);

#endif
