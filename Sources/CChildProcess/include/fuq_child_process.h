// Starting a plugin process with resource limits, its own session and a death signal.
//
// posix_spawn cannot set resource limits or a parent-death signal in the child, and
// Foundation.Process cannot either; this helper does what a tiny exec wrapper would, without
// an extra executable: vfork, then in the child only async-signal-safe system calls, then execve.
#ifndef FUQ_CHILD_PROCESS_H
#define FUQ_CHILD_PROCESS_H

#include <sys/types.h>

/// Limits applied in the child before exec; a value of 0 leaves that limit as inherited.
typedef struct {
    /// RLIMIT_AS: bytes of address space.
    unsigned long long address_space_bytes;
    /// RLIMIT_CPU: seconds of CPU time (the kernel sends SIGXCPU, then SIGKILL one second later).
    unsigned long long cpu_seconds;
    /// RLIMIT_FSIZE: bytes of the largest file the process may write.
    unsigned long long file_size_bytes;
    /// Non-zero: RLIMIT_CORE 0 (a crashing plugin writes no core file).
    int no_core_files;
    /// Non-zero: the child is killed (SIGKILL) when the thread that started it ends.
    int kill_with_parent_thread;
} fuq_child_limits;

/// Starts `path` with `argv` and `envp` (NULL-terminated) in `cwd` (NULL: inherited), with file
/// descriptors 0, 1, 2 duplicated from `stdin_fd`, `stdout_fd`, `stderr_fd` and every other
/// descriptor closed at exec. The child leads a new session (its process group id is its pid,
/// so the whole group can be killed), has default signal dispositions and an empty signal mask.
///
/// Returns the child's pid, or -1 with `*error_number` set to the errno of the step that failed
/// (in the parent, or in the child before exec: e.g. ENOENT for a missing executable).
pid_t fuq_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                int stdin_fd, int stdout_fd, int stderr_fd, const fuq_child_limits *limits,
                int *error_number);

#endif
