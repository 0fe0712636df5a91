#define _GNU_SOURCE
#include "fuq_child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int set_limit(int resource, unsigned long long soft, unsigned long long hard) {
    struct rlimit limit;
    limit.rlim_cur = (rlim_t)soft;
    limit.rlim_max = (rlim_t)hard;
    return setrlimit(resource, &limit);
}

pid_t fuq_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                int stdin_fd, int stdout_fd, int stderr_fd, const fuq_child_limits *limits,
                int *error_number) {
    // The child reports a failure before exec through this pipe; a successful exec closes it.
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *error_number = errno;
        return -1;
    }
    // Block every signal across vfork: the child shares the parent's memory until exec and must
    // not run the parent's handlers.
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);

    volatile int child_error = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        // Child: only system calls from here to execve (async-signal-safe).
        int failure = 0;
        for (int s = 1; s < NSIG; s++) {
            if (s == SIGKILL || s == SIGSTOP) continue;
            struct sigaction action;
            memset(&action, 0, sizeof action);
            action.sa_handler = SIG_DFL;
            sigaction(s, &action, NULL);   // fails harmlessly for the C library's reserved signals
        }
        if (setsid() < 0) { failure = errno; goto fail; }
        if (limits != NULL) {
            if (limits->kill_with_parent_thread && prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) { failure = errno; goto fail; }
            if (limits->address_space_bytes && set_limit(RLIMIT_AS, limits->address_space_bytes, limits->address_space_bytes) != 0) { failure = errno; goto fail; }
            if (limits->cpu_seconds && set_limit(RLIMIT_CPU, limits->cpu_seconds, limits->cpu_seconds + 1) != 0) { failure = errno; goto fail; }
            if (limits->file_size_bytes && set_limit(RLIMIT_FSIZE, limits->file_size_bytes, limits->file_size_bytes) != 0) { failure = errno; goto fail; }
            if (limits->no_core_files && set_limit(RLIMIT_CORE, 0, 0) != 0) { failure = errno; goto fail; }
        }
        if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) { failure = errno; goto fail; }
        // Every other descriptor is closed at exec (the report pipe stays usable until then).
        if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
            for (int fd = 3; fd < 65536; fd++) {
                if (fd != report[1]) fcntl(fd, F_SETFD, FD_CLOEXEC);
            }
        }
        if (cwd != NULL && chdir(cwd) != 0) { failure = errno; goto fail; }
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
        execve(path, argv, envp);
        failure = errno;
    fail:
        child_error = failure;
        (void)!write(report[1], &failure, sizeof failure);
        _exit(127);
    }
    int spawn_errno = errno;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        *error_number = spawn_errno;
        return -1;
    }
    int reported = 0;
    ssize_t n;
    do {
        n = read(report[0], &reported, sizeof reported);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof reported) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *error_number = reported != 0 ? reported : (child_error != 0 ? child_error : EIO);
        return -1;
    }
    return pid;
}
