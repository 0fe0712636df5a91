import CMemory

/// Process-wide allocator tuning for processes that generate many large pseudo-experiments.
///
/// Every sealed view is a fresh array of ~120 MB for a 1 M-event pseudo-experiment. glibc serves
/// blocks above 32 MB with their own `mmap` and unmaps them when freed, so each view costs ~30,000
/// page faults and the zeroing of 120 MB by the kernel: measured ~15 ms per pseudo-experiment on
/// one core. ``reuseLargeBlocks()`` raises glibc's mmap and trim thresholds to 1 GB, so that freed
/// views stay in the heap and the next one reuses their pages. Results never change; the process
/// keeps its peak heap instead of returning it to the system. Call it once, early, in a process
/// that generates or evaluates many pseudo-experiments (`bench generate`, the runner, the
/// benchmark). A no-op without glibc.
public enum AllocationTuning {
    /// Applies the tuning; returns whether the allocator accepted it.
    @discardableResult
    public static func reuseLargeBlocks() -> Bool {
        fuq_reuse_large_blocks() == 1
    }
}
