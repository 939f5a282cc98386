//! The machine's fp32 peak, measured rather than looked up: a short loop of independent
//! fused multiply-adds in the widest vectors the CPU reports at runtime (AVX-512F, else
//! AVX2 + FMA, else the baseline's multiply and add), on one thread, times the threads the
//! kernels use. `convscope bench` divides a step's achieved GFLOP/s by it, so "how close to
//! the limit" is a number a user reads on their own machine.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long the probe runs (after a short warm-up that lets the core reach the vector
/// unit's clock).
const PROBE: Duration = Duration::from_millis(200);
const WARM_UP: Duration = Duration::from_millis(20);

/// Independent accumulators: enough to cover the FMA latency (4 cycles) on two FMA ports.
const ACC: usize = 12;

/// Rounds of `ACC` vector FMAs between two clock reads.
const CHUNK: u64 = 1 << 14;

/// A measured fp32 peak.
#[derive(Debug, Clone, PartialEq)]
pub struct Peak {
    /// The instruction set the probe ran, e.g. `AVX-512F`, `AVX2+FMA`.
    pub isa: &'static str,
    /// GFLOP/s of one thread (a multiply-add counts 2).
    pub per_thread: f64,
    /// Threads the kernels spread over.
    pub threads: usize,
}

impl Peak {
    /// The machine's fp32 peak for the threads used, GFLOP/s.
    pub fn gflops(&self) -> f64 {
        self.per_thread * self.threads as f64
    }
}

/// The probe, run once per process (about 0.2 s) and remembered.
pub fn measured() -> Peak {
    static PEAK: OnceLock<Peak> = OnceLock::new();
    PEAK.get_or_init(|| {
        let (isa, per_thread) = probe(PROBE);
        Peak {
            isa,
            per_thread,
            threads: super::fast::threads(),
        }
    })
    .clone()
}

/// (ISA, GFLOP/s) of one thread running the widest FMA loop this CPU supports for about
/// `duration`.
pub fn probe(duration: Duration) -> (&'static str, f64) {
    let (isa, kernel) = widest();
    let run = |d: Duration| {
        let (mut rounds, mut sink) = (0u64, 0.0f32);
        let t0 = Instant::now();
        while rounds == 0 || t0.elapsed() < d {
            sink += kernel.run(CHUNK);
            rounds += CHUNK;
        }
        std::hint::black_box(sink);
        (rounds, t0.elapsed().as_secs_f64())
    };
    run(WARM_UP);
    let (rounds, secs) = run(duration);
    let flops = rounds as f64 * (ACC * kernel.lanes() * kernel.flops_per_lane()) as f64;
    (isa, flops / secs / 1e9)
}

/// The FMA loops, one per instruction set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kernel {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    Baseline,
}

/// The widest kernel the CPU supports, detected at runtime.
fn widest() -> (&'static str, Kernel) {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            return ("AVX-512F", Kernel::Avx512);
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return ("AVX2+FMA", Kernel::Avx2);
        }
    }
    (BASELINE, Kernel::Baseline)
}

#[cfg(target_arch = "x86_64")]
const BASELINE: &str = "SSE2 (no FMA)";
#[cfg(not(target_arch = "x86_64"))]
const BASELINE: &str = "baseline";

impl Kernel {
    fn lanes(self) -> usize {
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => 16,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => 8,
            Kernel::Baseline => 4,
        }
    }

    /// FLOPs one lane of one accumulator does per round: a multiply-add is 2 either way.
    fn flops_per_lane(self) -> usize {
        2
    }

    /// `rounds` rounds; returns a value that depends on every accumulator.
    fn run(self, rounds: u64) -> f32 {
        match self {
            // SAFETY: `widest` picked this kernel only after detecting the CPU feature its
            // `#[target_feature]` enables.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { x86::fma_avx512(rounds) },
            // SAFETY: as above (AVX2 and FMA detected).
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { x86::fma_avx2(rounds) },
            Kernel::Baseline => baseline(rounds),
        }
    }
}

/// `acc = acc * a + b` on `ACC` accumulators of 4 lanes; the compiler vectorises it to the
/// target's baseline (SSE2 on x86-64: a multiply and an add, no FMA).
fn baseline(rounds: u64) -> f32 {
    let (a, b) = (
        std::hint::black_box(0.999_99f32),
        std::hint::black_box(1e-6f32),
    );
    let mut acc = [[1.0f32; 4]; ACC];
    for _ in 0..rounds {
        for v in acc.iter_mut() {
            for x in v.iter_mut() {
                *x = *x * a + b;
            }
        }
    }
    acc.iter().flatten().sum()
}

/// The x86-64 loops: `ACC` independent chains of `acc = acc * a + b` (converging to
/// `b / (1 - a)`, so never denormal or infinite).
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::ACC;
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn fma_avx512(rounds: u64) -> f32 {
        let a = _mm512_set1_ps(std::hint::black_box(0.999_99));
        let b = _mm512_set1_ps(std::hint::black_box(1e-6));
        let mut acc = [_mm512_set1_ps(1.0); ACC];
        for _ in 0..rounds {
            for v in acc.iter_mut() {
                *v = _mm512_fmadd_ps(*v, a, b);
            }
        }
        let mut sum = _mm512_setzero_ps();
        for v in acc {
            sum = _mm512_add_ps(sum, v);
        }
        _mm512_reduce_add_ps(sum)
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn fma_avx2(rounds: u64) -> f32 {
        let a = _mm256_set1_ps(std::hint::black_box(0.999_99));
        let b = _mm256_set1_ps(std::hint::black_box(1e-6));
        let mut acc = [_mm256_set1_ps(1.0); ACC];
        for _ in 0..rounds {
            for v in acc.iter_mut() {
                *v = _mm256_fmadd_ps(*v, a, b);
            }
        }
        let mut sum = _mm256_setzero_ps();
        for v in acc {
            sum = _mm256_add_ps(sum, v);
        }
        let mut lanes = [0.0f32; 8];
        _mm256_storeu_ps(lanes.as_mut_ptr(), sum);
        lanes.iter().sum()
    }
}

/// The lines `convscope bench` prints under its table: each kernel set's achieved GFLOP/s
/// (`achieved`: name, GFLOP/s), the per-image count they are based on, and, when the step
/// ran on this CPU, the measured peak and each one's share of it.
pub fn report(achieved: &[(&str, f64)], train_flops_per_image: u64, peak: Option<&Peak>) -> String {
    let mut s = format!(
        "{:<8} {:.2} MFLOP per training image (convolution multiply-adds x2, forward + backward)\n",
        "compute",
        train_flops_per_image as f64 / 1e6
    );
    for (name, gflops) in achieved {
        s += &format!("{:<8} {name}: {gflops:.1} GFLOP/s", "GFLOP/s");
        if let Some(p) = peak {
            s += &format!(", {:.1}% of the measured peak", 100.0 * gflops / p.gflops());
        }
        s += "\n";
    }
    if let Some(p) = peak {
        s += &format!(
            "{:<8} {:.1} GFLOP/s fp32 = {} threads x {:.1} ({} probe)\n",
            "peak",
            p.gflops(),
            p.threads,
            p.per_thread,
            p.isa
        );
    }
    s
}

#[cfg(test)]
mod tests;
