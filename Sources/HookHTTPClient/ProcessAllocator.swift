internal import CHookShim
import Glibc

/// Process-wide glibc malloc settings for a service that churns 100 KB – 1 MB buffers on several
/// threads (response bodies allocated on the curl thread, freed on others).
///
/// Measured with `scripts/bench client`: with glibc's defaults every freed body was trimmed back to
/// the kernel (128 KiB trim threshold per arena) and the next one page-faulted in again, about 50,000
/// faults for 200 MB fetched and twice the system time. Keeping up to 8 MiB at an arena's top removed
/// 85% of the faults. Arenas are capped at one per core: each may keep that much, and the spool's writer
/// and readers (issue 13) added threads that brought a 100 MB blob's peak RSS to 66–74 MB with two per
/// core. Over TLS (issue 14) the peak still varied between 61.7 and 66.7 MB with 8 MiB; 4 MiB gave
/// 62.5–63.5 MB, and `scripts/bench client` kept its ratio (1.06, BENCHMARKS.md).
/// Call once at the start of `main`.
public enum ProcessAllocator {
    /// Returns false if glibc refused a setting (the process then runs with glibc's defaults).
    @discardableResult
    public static func tuneForLargeBuffers() -> Bool {
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return ahk_malloc_tune(4 << 20, Int32(cores)) == 0
    }
}
