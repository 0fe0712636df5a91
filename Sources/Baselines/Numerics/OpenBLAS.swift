import CLapack

/// The thread count of OpenBLAS, a process-wide setting.
///
/// OpenBLAS starts one thread per core by default. Code that already runs many fits in
/// parallel Swift tasks must set it to 1 first, or every BLAS call inside a task competes with
/// the other tasks for the same cores (oversubscription). Small matrices (a fit's 7 x 7
/// Hessian) never use more than one thread anyway.
public enum OpenBLAS {
    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        Int(openblas_get_num_threads())
    }

    /// Sets the number of threads OpenBLAS uses for one call (1 inside parallel Swift tasks).
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "OpenBLAS needs at least one thread, got \(count)")
        openblas_set_num_threads(Int32(count))
    }
}
