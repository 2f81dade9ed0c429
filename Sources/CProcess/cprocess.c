#define _GNU_SOURCE
#include "cprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char **environ;

/// The child's side of `cprocess_spawn_shell`, between vfork and exec: system calls only. It
/// shares the caller's memory until the exec, so a failure is told through `*failure`.
static void become_shell(
    const char *command, char *const environment[], pid_t parent, int input_fd, int output_fd, volatile int *failure) {
    // The shell leads a process group of its own, so that the worker can kill everything it starts.
    if (setpgid(0, 0) != 0) goto failed;
    // Should the worker die, even by SIGKILL, the shell dies with it instead of running on unseen
    // while the task is given to another worker. The parent may have died before this line.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) goto failed;
    if (getppid() != parent) _exit(127);
    // The worker ignores SIGPIPE, SIGTERM and SIGINT for its own reasons, and ignored signals
    // are inherited: the shell gets every signal back at its default.
    struct sigaction default_action = {.sa_handler = SIG_DFL};
    sigemptyset(&default_action.sa_mask);
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) sigaction(signal_number, &default_action, NULL);
    }
    if (dup2(input_fd, STDIN_FILENO) < 0 || dup2(output_fd, STDOUT_FILENO) < 0 || dup2(output_fd, STDERR_FILENO) < 0) {
        goto failed;
    }
    // Descriptors another thread opened without close-on-exec stay out of the task's processes.
    if (close_range(STDERR_FILENO + 1, ~0U, 0) != 0) goto failed;
    sigset_t no_signals;
    sigemptyset(&no_signals);
    sigprocmask(SIG_SETMASK, &no_signals, NULL);
    char *const argv[] = {"sh", "-c", (char *)command, NULL};
    execve("/bin/sh", argv, environment);
failed:
    *failure = errno;
    _exit(127);
}

/// Whether the environment entry `entry` sets a variable that one of `overrides` sets.
static int is_overridden(const char *entry, char *const overrides[]) {
    for (size_t i = 0; overrides[i] != NULL; i++) {
        const char *equals = strchr(overrides[i], '=');
        size_t name_length = equals ? (size_t)(equals - overrides[i]) + 1 : strlen(overrides[i]);
        if (strncmp(entry, overrides[i], name_length) == 0) return 1;
    }
    return 0;
}

/// A new array of the caller's environment entries that `overrides` leave, then `overrides`;
/// the strings are not copied. NULL when out of memory.
static char **environment_with(char *const overrides[]) {
    size_t inherited = 0, added = 0;
    while (environ[inherited] != NULL) inherited++;
    while (overrides[added] != NULL) added++;
    char **merged = malloc((inherited + added + 1) * sizeof(char *));
    if (merged == NULL) return NULL;
    size_t count = 0;
    for (size_t i = 0; i < inherited; i++) {
        if (!is_overridden(environ[i], overrides)) merged[count++] = environ[i];
    }
    for (size_t i = 0; i < added; i++) merged[count++] = overrides[i];
    merged[count] = NULL;
    return merged;
}

int cprocess_spawn_shell(const char *command, char *const overrides[], pid_t *pid, int *output_fd) {
    // Built before vfork: the child may only make system calls.
    char **environment = overrides != NULL ? environment_with(overrides) : NULL;
    if (overrides != NULL && environment == NULL) {
        return ENOMEM;
    }
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        int error = errno;
        free(environment);
        return error;
    }
    int input_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (input_fd < 0) {
        int error = errno;
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        free(environment);
        return error;
    }
    // No signal handler of the worker may run in the child while it shares the worker's memory.
    sigset_t all_signals, previous_mask;
    sigfillset(&all_signals);
    pthread_sigmask(SIG_SETMASK, &all_signals, &previous_mask);
    volatile int failure = 0;
    pid_t parent = getpid();
    pid_t child = vfork();
    if (child == 0) {
        become_shell(command, environment != NULL ? environment : environ, parent, input_fd, pipe_fds[1], &failure);
    }
    int error = child < 0 ? errno : failure;
    free(environment);
    pthread_sigmask(SIG_SETMASK, &previous_mask, NULL);
    close(input_fd);
    close(pipe_fds[1]);
    if (error != 0) {
        close(pipe_fds[0]);
        return error;
    }
    *pid = child;
    *output_fd = pipe_fds[0];
    return 0;
}

int cprocess_become_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
}
