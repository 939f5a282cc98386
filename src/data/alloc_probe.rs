//! Test-only: a global allocator that wraps the system one and tracks, per thread, the peak
//! of bytes allocated while a measurement runs — so tests can prove the IDX reader never
//! sizes memory by an unchecked header. Other threads and other tests are unaffected
//! (they pay one thread-local check per allocation).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Probe;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn track(delta: i64) {
    let _ = ACTIVE.try_with(|active| {
        if active.get() {
            let live = LIVE.with(|l| {
                l.set(l.get() + delta);
                l.get()
            });
            PEAK.with(|p| p.set(p.get().max(live)));
        }
    });
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are updated.
unsafe impl GlobalAlloc for Probe {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            track(layout.size() as i64);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            track(layout.size() as i64);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        track(-(layout.size() as i64));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            // During the move both blocks may exist; count the larger peak honestly.
            track(new_size as i64);
            track(-(layout.size() as i64));
        }
        p
    }
}

#[global_allocator]
static PROBE: Probe = Probe;

/// Runs `f` and returns its result with the peak number of bytes this thread had allocated
/// (and not yet freed) at any moment during `f`.
pub fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, u64) {
    LIVE.with(|l| l.set(0));
    PEAK.with(|p| p.set(0));
    ACTIVE.with(|a| a.set(true));
    let out = f();
    ACTIVE.with(|a| a.set(false));
    (out, PEAK.with(|p| p.get()).max(0) as u64)
}

#[test]
fn data_alloc_probe_sees_a_big_allocation() {
    let (v, peak) = peak_bytes(|| vec![1u8; 3 << 20]);
    assert!(peak >= 3 << 20, "{peak}");
    assert_eq!(v.len(), 3 << 20);
    let (_, small) = peak_bytes(|| 1 + 1);
    assert_eq!(small, 0);
}
