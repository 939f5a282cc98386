//! ReLU and dropout as standalone ops (the model's blocks use the fused BatchNorm op instead),
//! element-parallel; dropout's mask is recomputed from its seed in the
//! backward rather than stored.

use super::cpu::{build_uninit, init_copy, slice, tensor, with_slice};
use super::norm::positive_or_zero;
use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};

/// Elements per parallel task: large enough that scheduling costs nothing.
const GRAIN: usize = 1 << 14;

pub(super) struct Relu;

impl CustomOp1 for Relu {
    fn name(&self) -> &'static str {
        "fast-relu"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let x = slice(s, l)?;
        // SAFETY: chunk t is x[t * GRAIN..][..chunk.len()] long, so the zip writes all of it.
        let (y, _) = unsafe {
            build_uninit(x.len(), GRAIN, |t, ys| {
                for (y, &x) in ys.iter_mut().zip(&x[t * GRAIN..]) {
                    y.write(x.max(0.0));
                }
            })
        };
        Ok((CpuStorage::F32(y), l.shape().clone()))
    }

    fn bwd(&self, _x: &Tensor, res: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        let dx = with_slice(res, |ys| {
            with_slice(dy, |gs| {
                assert_eq!(ys.len(), gs.len());
                // SAFETY: chunk t is at most as long as ys[t * GRAIN..] and gs[t * GRAIN..]
                // (equal lengths, asserted), so the zip writes all of it.
                let (dx, _) = unsafe {
                    build_uninit(ys.len(), GRAIN, |t, ds| {
                        let (ys, gs) = (&ys[t * GRAIN..], &gs[t * GRAIN..]);
                        for (d, (&y, &g)) in ds.iter_mut().zip(ys.iter().zip(gs)) {
                            d.write(positive_or_zero(y, g));
                        }
                    })
                };
                Ok(dx)
            })
        })?;
        Ok(Some(tensor(dx, res.shape())?))
    }
}

/// [`crate::model::kernels::dropout_scale`] with the per-call work hoisted out of the
/// element loop: `u < p` on the 24-bit uniform is the same as comparing its integer against
/// `ceil(p * 2^24)` (both scalings by 2^24 are exact in f32), and `1 / (1 - p)` is computed
/// once. Bit-identical masks (a test checks it).
#[derive(Debug, Clone, Copy)]
pub(super) struct Mask {
    seed: u64,
    threshold: u64,
    keep: f32,
}

impl Mask {
    pub fn new(seed: u64, p: f32) -> Self {
        Mask {
            seed,
            threshold: (p * (1u64 << 24) as f32).ceil() as u64,
            keep: 1.0 / (1.0 - p),
        }
    }

    /// 0 or 1/(1-p) for flat element `i` (what [`Mask::apply`] multiplies it by).
    #[cfg(test)]
    pub fn scale(&self, i: usize) -> f32 {
        self.scale_of(splitmix64(self.seed ^ (i as u64).wrapping_mul(STRIDE)))
    }

    #[inline(always)]
    fn scale_of(&self, r: u64) -> f32 {
        if (r >> 40) < self.threshold {
            0.0
        } else {
            self.keep
        }
    }

    /// `ys[j] *= scale(start + j)` for every j: the same values as multiplying element by
    /// element, without a branch, and with `i * STRIDE` advanced by one addition per element,
    /// so the loop vectorises. Runs the widest vectors this CPU has (AVX-512DQ multiplies
    /// 64-bit lanes natively; AVX2 emulates them).
    pub fn apply(&self, start: usize, ys: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if simd_level() >= 2 {
                // SAFETY: AVX-512F and AVX-512DQ were detected.
                return unsafe { self.apply_avx512(start, ys) };
            }
            if simd_level() == 1 {
                // SAFETY: AVX2 was detected.
                return unsafe { self.apply_avx2(start, ys) };
            }
        }
        self.apply_portable(start, ys)
    }

    /// The SIMD paths [`Mask::apply`] can take on this CPU (0: portable, 1: AVX2,
    /// 2: AVX-512), for the tests.
    #[cfg(test)]
    pub fn paths(&self) -> Vec<u8> {
        #[cfg(target_arch = "x86_64")]
        {
            (0..=2)
                .filter(|&l| {
                    l == 0 || (l == 1 && is_x86_feature_detected!("avx2")) || {
                        l == 2
                            && is_x86_feature_detected!("avx512f")
                            && is_x86_feature_detected!("avx512dq")
                    }
                })
                .collect()
        }
        #[cfg(not(target_arch = "x86_64"))]
        vec![0]
    }

    /// [`Mask::apply`] on one of [`Mask::paths`].
    #[cfg(test)]
    pub fn apply_on(&self, path: u8, start: usize, ys: &mut [f32]) {
        assert!(self.paths().contains(&path));
        match path {
            // SAFETY: `paths` lists only the levels whose features were detected.
            #[cfg(target_arch = "x86_64")]
            2 => unsafe { self.apply_avx512(start, ys) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            1 => unsafe { self.apply_avx2(start, ys) },
            _ => self.apply_portable(start, ys),
        }
    }

    #[inline(always)]
    fn apply_portable(&self, start: usize, ys: &mut [f32]) {
        let mut h = (start as u64).wrapping_mul(STRIDE);
        for yv in ys.iter_mut() {
            *yv *= self.scale_of(splitmix64(self.seed ^ h));
            h = h.wrapping_add(STRIDE);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq")]
    unsafe fn apply_avx512(&self, start: usize, ys: &mut [f32]) {
        self.apply_portable(start, ys)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn apply_avx2(&self, start: usize, ys: &mut [f32]) {
        self.apply_portable(start, ys)
    }
}

/// The multiplier that spreads element indices before hashing (as in
/// [`crate::model::kernels::dropout_scale`]).
const STRIDE: u64 = 0xD6E8_FEB8_6659_FD93;

/// [`crate::rng::splitmix64`], inlined here so the vectorised loops see it (a test checks
/// the masks stay bit-identical to `dropout_scale`'s).
#[inline(always)]
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// 2: AVX-512F + DQ, 1: AVX2, 0: neither; detected once. `CONVSCOPE_SIMD=0|1` caps it
/// (to compare the paths).
#[cfg(target_arch = "x86_64")]
fn simd_level() -> u8 {
    use std::sync::OnceLock;
    static LEVEL: OnceLock<u8> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let cap = std::env::var("CONVSCOPE_SIMD")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2);
        let level = if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq") {
            2
        } else if is_x86_feature_detected!("avx2") {
            1
        } else {
            0
        };
        level.min(cap)
    })
}

pub(super) struct Dropout {
    pub p: f32,
    pub seed: u64,
}

impl Dropout {
    /// `out[i] = src[i] * dropout_scale(seed, i, p)`, in parallel.
    fn apply(&self, src: &[f32]) -> Vec<f32> {
        let mask = Mask::new(self.seed, self.p);
        // SAFETY: `init_copy` writes each chunk whole.
        let (out, _) = unsafe {
            build_uninit(src.len(), GRAIN, |t, os| {
                let o = init_copy(os, &src[t * GRAIN..][..os.len()]);
                mask.apply(t * GRAIN, o);
            })
        };
        out
    }
}

impl CustomOp1 for Dropout {
    fn name(&self) -> &'static str {
        "fast-dropout"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        Ok((CpuStorage::F32(self.apply(slice(s, l)?)), l.shape().clone()))
    }

    fn bwd(&self, x: &Tensor, _res: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        let dx = with_slice(dy, |gs| Ok(self.apply(gs)))?;
        Ok(Some(tensor(dx, x.shape())?))
    }
}
