//! glibc's malloc returns every large freed buffer to the kernel (mmap threshold, heap
//! trimming), so each training step's fresh activations and gradients (tens of MB) fault in
//! zeroed pages again: a quarter of a fast step went to page faults. Raising the thresholds
//! keeps that memory in the heap for the next step.

/// Keeps buffers up to 32 MiB (glibc's maximum) in the heap and trims it only past 64 MiB of
/// free space. Process-wide; call once at startup, before training. Returns whether the
/// allocator took the settings (false off glibc, where it does nothing).
pub fn tune_allocator() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::raw::c_int;
        extern "C" {
            fn mallopt(param: c_int, value: c_int) -> c_int;
        }
        const M_TRIM_THRESHOLD: c_int = -1;
        const M_MMAP_THRESHOLD: c_int = -3;
        // SAFETY: mallopt only adjusts malloc's tunables; both values are in range.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 64 << 20) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
