//! The plumbing every fast op shares: f32 slices borrowed out of candle's CPU storages, CPU
//! tensors built from plain vectors, a batch split over the worker threads, per-thread scratch
//! buffers reused across calls, and a bounds-checked wrapper around the `gemm` crate.

use candle_core::{bail, CpuStorage, Device, Layout, Result, Shape, Storage, Tensor};
use rayon::prelude::*;
use std::cell::RefCell;
use std::mem::MaybeUninit;
use std::sync::{Mutex, OnceLock};

/// The contiguous f32 data a layout describes inside a CPU storage.
pub(super) fn slice<'a>(s: &'a CpuStorage, l: &Layout) -> Result<&'a [f32]> {
    let data = s.as_slice::<f32>()?;
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&data[a..b]),
        None => bail!("fast kernels: expected a contiguous tensor, got {:?}", l),
    }
}

/// Runs `f` on the contiguous f32 data of a CPU tensor (made contiguous first if needed).
pub(super) fn with_slice<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> Result<R>) -> Result<R> {
    let t = t.contiguous()?;
    let (st, l) = t.storage_and_layout();
    match &*st {
        Storage::Cpu(cpu) => f(slice(cpu, l)?),
        _ => bail!("fast kernels: expected a CPU tensor"),
    }
}

/// A CPU tensor owning `data`.
pub(super) fn tensor(data: Vec<f32>, shape: impl Into<Shape>) -> Result<Tensor> {
    Tensor::from_vec(data, shape, &Device::Cpu)
}

/// Which worker threads run the fast kernels' parallel loops. candle 0.11 runs its own CPU
/// ops on a spinning barrier pool; running ours on that same pool (the default) keeps one set
/// of workers busy instead of two sets fighting over the cores. `CONVSCOPE_POOL=rayon` picks
/// rayon's global pool instead (for comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pool {
    Candle,
    Rayon,
}

fn pool() -> Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    *POOL.get_or_init(|| match std::env::var("CONVSCOPE_POOL").as_deref() {
        Ok("rayon") => Pool::Rayon,
        _ => Pool::Candle,
    })
}

/// Threads the parallel loops spread over.
pub(crate) fn threads() -> usize {
    match pool() {
        Pool::Candle => candle_core::utils::barrier_pool().n_workers() + 1,
        Pool::Rayon => rayon::current_num_threads(),
    }
    .max(1)
}

/// How many samples each parallel task takes: a few tasks per thread so uneven work
/// balances, but whole samples so every task owns disjoint output.
pub(super) fn samples_per_task(n: usize) -> usize {
    n.div_ceil(threads() * 4).max(1)
}

/// `f(0), ..., f(n - 1)` in parallel, results in index order (so reductions over them are
/// deterministic).
pub(super) fn map_tasks<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if n <= 1 || threads() == 1 {
        return (0..n).map(f).collect();
    }
    match pool() {
        Pool::Rayon => (0..n).into_par_iter().map(&f).collect(),
        Pool::Candle => {
            let slots: Vec<Mutex<Option<T>>> = (0..n).map(|_| Mutex::new(None)).collect();
            candle_core::utils::barrier_pool().execute_chunked(n, |range| {
                for i in range {
                    let v = f(i);
                    *slots[i].lock().unwrap() = Some(v);
                }
            });
            slots
                .into_iter()
                .map(|m| m.into_inner().unwrap().expect("every task ran"))
                .collect()
        }
    }
}

/// A pointer the parallel tasks may share; each task derives a disjoint chunk from it.
struct SharedMut<E>(*mut E);
// SAFETY: only used by `map_chunks_mut`, whose tasks touch disjoint ranges.
unsafe impl<E: Send> Sync for SharedMut<E> {}
// SAFETY: as for `Sync`: sent only to `map_chunks_mut`'s tasks, which touch disjoint ranges.
unsafe impl<E: Send> Send for SharedMut<E> {}

impl<E> SharedMut<E> {
    fn get(&self) -> *mut E {
        self.0
    }
}

/// `f(i, chunk_i)` for each `chunk_len`-sized chunk of `out` (the last may be shorter), in
/// parallel; results in chunk order.
pub(super) fn map_chunks_mut<E: Send, T: Send>(
    out: &mut [E],
    chunk_len: usize,
    f: impl Fn(usize, &mut [E]) -> T + Sync,
) -> Vec<T> {
    assert!(chunk_len > 0);
    let len = out.len();
    let base = SharedMut(out.as_mut_ptr());
    map_tasks(len.div_ceil(chunk_len), |i| {
        let start = i * chunk_len;
        let n = chunk_len.min(len - start);
        // SAFETY: `map_tasks` runs each index exactly once, the chunks [start, start + n) are
        // disjoint and inside `out`, which stays mutably borrowed until all tasks finish.
        let chunk = unsafe { std::slice::from_raw_parts_mut(base.get().add(start), n) };
        f(i, chunk)
    })
}

/// A new vector of `len` values, built in parallel without zero-filling it first:
/// `f(i, chunk_i)` for each `chunk_len`-sized chunk of its uninitialised memory, results in
/// chunk order.
///
/// # Safety
/// `f` must initialise every element of the chunk it is given (when it returns).
pub(super) unsafe fn build_uninit<T: Send>(
    len: usize,
    chunk_len: usize,
    f: impl Fn(usize, &mut [MaybeUninit<f32>]) -> T + Sync,
) -> (Vec<f32>, Vec<T>) {
    let mut v = Vec::with_capacity(len);
    let results = map_chunks_mut(&mut v.spare_capacity_mut()[..len], chunk_len, f);
    // SAFETY: the chunks cover [0, len) and `f` initialised each (the caller's promise).
    unsafe { v.set_len(len) };
    (v, results)
}

/// [`build_uninit`] for an `f` that wants ordinary slices: each task zeroes its own chunk
/// first (in parallel, into its cache) instead of the caller zeroing the whole vector.
pub(super) fn build_zeroed<T: Send>(
    len: usize,
    chunk_len: usize,
    f: impl Fn(usize, &mut [f32]) -> T + Sync,
) -> (Vec<f32>, Vec<T>) {
    // SAFETY: `init_zeroed` initialises the whole chunk before `f` sees it.
    unsafe { build_uninit(len, chunk_len, |i, c| f(i, init_zeroed(c))) }
}

/// Writes zeros over `s` and returns it initialised.
pub(super) fn init_zeroed(s: &mut [MaybeUninit<f32>]) -> &mut [f32] {
    s.fill(MaybeUninit::new(0.0));
    // SAFETY: every element was just written.
    unsafe { assume_init_mut(s) }
}

/// Copies `src` over `s` (same length) and returns it initialised.
pub(super) fn init_copy<'a>(s: &'a mut [MaybeUninit<f32>], src: &[f32]) -> &'a mut [f32] {
    assert_eq!(s.len(), src.len());
    for (d, &v) in s.iter_mut().zip(src) {
        d.write(v);
    }
    // SAFETY: the zip covered every element (equal lengths, asserted).
    unsafe { assume_init_mut(s) }
}

/// `s` as initialised values.
///
/// # Safety
/// Every element of `s` must be initialised.
pub(super) unsafe fn assume_init_mut(s: &mut [MaybeUninit<f32>]) -> &mut [f32] {
    // SAFETY: MaybeUninit<f32> has f32's layout; the caller promises every element is
    // initialised.
    unsafe { &mut *(s as *mut [MaybeUninit<f32>] as *mut [f32]) }
}

thread_local! {
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Lends this thread's scratch buffer, grown to at least `len` (contents are garbage: callers
/// overwrite what they read). Reused across calls, so the hot loops allocate nothing.
pub(super) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    SCRATCH.with(|cell| {
        let mut buf = cell.borrow_mut();
        if buf.len() < len {
            buf.resize(len, 0.0);
        }
        f(&mut buf[..len])
    })
}

/// A row-major or strided matrix view for [`matmul`]: data plus row and column strides.
#[derive(Clone, Copy)]
pub(super) struct Mat<'a> {
    pub data: &'a [f32],
    pub rs: usize,
    pub cs: usize,
}

impl<'a> Mat<'a> {
    /// Row-major with `cols` columns.
    pub fn rows(data: &'a [f32], cols: usize) -> Self {
        Mat {
            data,
            rs: cols,
            cs: 1,
        }
    }

    /// The transpose of a row-major matrix with `cols` columns.
    pub fn transposed(data: &'a [f32], cols: usize) -> Self {
        Mat {
            data,
            rs: 1,
            cs: cols,
        }
    }

    fn check(&self, r: usize, c: usize) {
        if r > 0 && c > 0 {
            assert!((r - 1) * self.rs + (c - 1) * self.cs < self.data.len());
        }
    }
}

/// `dst (m x n, row-major) (+)= lhs (m x k) * rhs (k x n)` on the calling thread, through the
/// same `gemm` crate candle uses. `accumulate` adds to `dst` instead of overwriting it.
pub(super) fn matmul(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    accumulate: bool,
    lhs: Mat,
    rhs: Mat,
) {
    assert!(dst.len() >= m * n);
    // SAFETY: `dst` holds m * n initialised values (asserted), borrowed mutably.
    unsafe { gemm_raw(m, n, k, dst.as_mut_ptr(), accumulate, lhs, rhs) }
}

/// `dst = lhs (m x k) * rhs (k x n)` into uninitialised memory of exactly m * n values,
/// returned initialised (no zero-fill first).
pub(super) fn matmul_init<'a>(
    m: usize,
    n: usize,
    k: usize,
    dst: &'a mut [MaybeUninit<f32>],
    lhs: Mat,
    rhs: Mat,
) -> &'a mut [f32] {
    assert_eq!(dst.len(), m * n);
    // SAFETY: `dst` has room for m * n values (asserted) and is borrowed mutably. With
    // `accumulate` false, gemm (0.19) never reads dst: it sets its alpha to zero and every
    // path then stores (`dst = beta * lhs * rhs`, or zeros when k == 0) without loading.
    unsafe { gemm_raw(m, n, k, dst.as_mut_ptr().cast(), false, lhs, rhs) };
    // SAFETY: gemm wrote all m * n elements (row-major, row stride n), as `gemm_raw` does
    // for any m, n, k.
    unsafe { assume_init_mut(dst) }
}

/// The shared body of [`matmul`] and [`matmul_init`]; writes every element of the m x n
/// row-major `dst`.
///
/// # Safety
/// `dst` must be valid for m * n writes, not alias `lhs` or `rhs`, and, when `accumulate`,
/// hold m * n initialised values.
unsafe fn gemm_raw(
    m: usize,
    n: usize,
    k: usize,
    dst: *mut f32,
    accumulate: bool,
    lhs: Mat,
    rhs: Mat,
) {
    lhs.check(m, k);
    rhs.check(k, n);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            // SAFETY: valid for m * n writes (the caller's promise).
            unsafe { std::ptr::write_bytes(dst, 0, m * n) };
        }
        return;
    }
    // SAFETY: the checks above keep every index gemm touches inside `lhs` and `rhs`, and
    // the caller promises `dst` is valid for the m x n output and aliases neither.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst,
            1,
            n as isize,
            accumulate,
            lhs.data.as_ptr(),
            lhs.cs as isize,
            lhs.rs as isize,
            rhs.data.as_ptr(),
            rhs.cs as isize,
            rhs.rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}
