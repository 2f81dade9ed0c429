#define _GNU_SOURCE
#include "cprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char **environ;

int cprocess_spawn_shell(const char *command, pid_t *pid, int *output_fd) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return errno;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int error = posix_spawn_file_actions_init(&actions);
    if (error != 0) {
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return error;
    }
    error = posix_spawnattr_init(&attributes);
    if (error == 0) {
        sigset_t all_signals;
        sigset_t no_signals;
        sigfillset(&all_signals);
        sigemptyset(&no_signals);
        // The worker ignores SIGPIPE, SIGTERM and SIGINT for its own reasons, and ignored signals
        // are inherited: the shell gets every signal back at its default.
        error = posix_spawnattr_setflags(
            &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        if (error == 0) error = posix_spawnattr_setpgroup(&attributes, 0);
        if (error == 0) error = posix_spawnattr_setsigdefault(&attributes, &all_signals);
        if (error == 0) error = posix_spawnattr_setsigmask(&attributes, &no_signals);
        if (error == 0) error = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (error == 0) error = posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
        if (error == 0) error = posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
        // Descriptors another thread opened without close-on-exec stay out of the task's processes.
        if (error == 0) error = posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
        if (error == 0) {
            char *const argv[] = {"sh", "-c", (char *)command, NULL};
            error = posix_spawn(pid, "/bin/sh", &actions, &attributes, argv, environ);
        }
        posix_spawnattr_destroy(&attributes);
    }
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (error != 0) {
        close(pipe_fds[0]);
        return error;
    }
    *output_fd = pipe_fds[0];
    return 0;
}

int cprocess_become_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
}
