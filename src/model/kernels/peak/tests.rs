//! The probe's loops compute what they claim (so its FLOP count is honest), it yields a
//! plausible number, and the bench's lines divide by the right peak.

use super::*;

/// Each kernel's result is `ACC * lanes` chains of `x = x * a + b` from 1: the count of
/// lanes and accumulators the FLOP count assumes is the count the loop ran.
#[test]
fn every_available_kernel_runs_acc_times_lanes_chains() {
    let (a, b) = (0.999_99f32, 1e-6f32);
    let mut kernels = vec![Kernel::Baseline];
    let (_, widest) = widest();
    #[cfg(target_arch = "x86_64")]
    if widest == Kernel::Avx512 {
        kernels.push(Kernel::Avx512);
    }
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        kernels.push(Kernel::Avx2);
    }
    assert!(kernels.contains(&widest));
    for k in kernels {
        let rounds = 1000;
        let mut x = 1.0f64;
        for _ in 0..rounds {
            x = x * a as f64 + b as f64;
        }
        let want = x * (ACC * k.lanes()) as f64;
        let got = k.run(rounds) as f64;
        assert!((got - want).abs() < 1e-4 * want, "{k:?}: {got} vs {want}");
    }
}

#[test]
fn the_probe_measures_a_plausible_positive_rate() {
    let (isa, gflops) = probe(Duration::from_millis(20));
    assert_eq!(isa, widest().0);
    // Any CPU this runs on does more than 0.1 and less than 1,000 GFLOP/s per thread.
    assert!(gflops > 0.1 && gflops < 1000.0, "{isa}: {gflops} GFLOP/s");
}

#[test]
fn the_report_divides_by_threads_times_the_per_thread_peak() {
    let peak = Peak {
        isa: "AVX2+FMA",
        per_thread: 50.0,
        threads: 2,
    };
    let s = report(&[("fast", 25.0), ("stock", 2.0)], 14_153_784, Some(&peak));
    assert_eq!(
        s,
        "compute  14.15 MFLOP per training image (convolution multiply-adds x2, forward + backward)\n\
         GFLOP/s  fast: 25.0 GFLOP/s, 25.0% of the measured peak\n\
         GFLOP/s  stock: 2.0 GFLOP/s, 2.0% of the measured peak\n\
         peak     100.0 GFLOP/s fp32 = 2 threads x 50.0 (AVX2+FMA probe)\n"
    );
    // Off the CPU there is no CPU peak to compare with.
    let s = report(&[("fast", 25.0)], 14_153_784, None);
    assert!(s.ends_with("GFLOP/s  fast: 25.0 GFLOP/s\n"), "{s}");
}
