//! 2-D convolution as im2col + one GEMM per sample, with a backward that computes the weight
//! gradient as GEMMs accumulated per thread and the input gradient as GEMM + col2im (skipped
//! when nobody needs it). The batch is split over the worker threads in every pass.

use super::cpu::{
    assume_init_mut, build_uninit, init_copy, init_zeroed, map_tasks, matmul, matmul_init,
    samples_per_task, slice, tensor, with_scratch, with_slice, Mat,
};
use candle_core::{bail, CpuStorage, CustomOp2, Layout, Result, Shape, Tensor};
use std::mem::MaybeUninit;

/// The shapes of one convolution: input (n, c, h, w), weight (o, c, k, k), output (n, o, oh, ow).
#[derive(Debug, Clone, Copy)]
pub(super) struct Geom {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub o: usize,
    pub k: usize,
    pub stride: usize,
    pub pad: usize,
    pub oh: usize,
    pub ow: usize,
}

impl Geom {
    pub fn new(x: &[usize], w: &[usize], stride: usize, pad: usize) -> Result<Self> {
        let (&[n, c, h, wd], &[o, wc, k, k2]) = (x, w) else {
            bail!("conv2d: expected 4-D input and weight, got {x:?} and {w:?}");
        };
        if wc != c || k != k2 || k == 0 || stride == 0 {
            bail!("conv2d: input {x:?} does not fit weight {w:?} (square kernels only)");
        }
        if h + 2 * pad < k || wd + 2 * pad < k {
            bail!("conv2d: kernel {k} larger than the padded {h}x{wd} input");
        }
        let oh = (h + 2 * pad - k) / stride + 1;
        let ow = (wd + 2 * pad - k) / stride + 1;
        Ok(Geom {
            n,
            c,
            h,
            w: wd,
            o,
            k,
            stride,
            pad,
            oh,
            ow,
        })
    }

    fn in_len(&self) -> usize {
        self.c * self.h * self.w
    }

    fn pix(&self) -> usize {
        self.oh * self.ow
    }

    fn out_len(&self) -> usize {
        self.o * self.pix()
    }

    /// Rows of the im2col matrix, the GEMM's inner dimension.
    fn ckk(&self) -> usize {
        self.c * self.k * self.k
    }

    /// A 1x1, stride-1, unpadded convolution: the input already is its im2col matrix.
    fn pointwise(&self) -> bool {
        self.k == 1 && self.stride == 1 && self.pad == 0
    }

    fn mode(&self) -> Mode {
        if self.pointwise() {
            Mode::Pointwise
        } else if self.stride == 1 && self.pad == 0 {
            Mode::Wide
        } else {
            Mode::General
        }
    }

    /// Columns of the patch matrix: output pixels, or in `Mode::Wide` the span from the first
    /// to the last output pixel laid out on input rows, `(oh - 1) * w + ow`.
    fn span(&self) -> usize {
        match self.mode() {
            Mode::Wide => (self.oh - 1) * self.w + self.ow,
            _ => self.pix(),
        }
    }

    /// For kernel column `kj`: the output columns `lo..hi` that read inside the input row, and
    /// the input column output column 0 maps to (may be negative).
    fn valid_cols(&self, kj: usize) -> (usize, usize, isize) {
        let off = kj as isize - self.pad as isize;
        let s = self.stride as isize;
        // ox * s + off >= 0  and  ox * s + off <= w - 1
        let lo = if off >= 0 { 0 } else { ((-off) + s - 1) / s };
        let last = self.w as isize - 1 - off;
        let hi = if last < 0 { 0 } else { last / s + 1 };
        let lo = (lo as usize).min(self.ow);
        let hi = (hi as usize).min(self.ow).max(lo);
        (lo, hi, off)
    }
}

/// How a convolution builds its patch matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 1x1, stride 1, no padding: the image itself.
    Pointwise,
    /// Stride 1, no padding (every 3x3 conv of the model): patch row (c, ki, kj) is one
    /// contiguous run of the image, `x[c][ki * w + kj..][..span]`, read as if the output were
    /// `w` wide; the `w - ow` extra columns per row are dropped from the output (forward) or
    /// carry zero gradient (backward). One long copy per row instead of `oh` short ones.
    Wide,
    /// Anything else: classic im2col with zero padding and strides.
    General,
}

/// [`Mode::Wide`]'s patch matrix: (c*k*k, span), every element written.
fn im2col_wide(g: &Geom, x: &[f32], col: &mut [f32]) {
    let (k, span, hw) = (g.k, g.span(), g.h * g.w);
    for c in 0..g.c {
        for ki in 0..k {
            for kj in 0..k {
                let src = &x[c * hw + ki * g.w + kj..][..span];
                col[((c * k + ki) * k + kj) * span..][..span].copy_from_slice(src);
            }
        }
    }
}

/// The adjoint of [`im2col_wide`]: adds each patch row back onto its run of the image.
fn col2im_wide(g: &Geom, col: &[f32], x: &mut [f32]) {
    let (k, span, hw) = (g.k, g.span(), g.h * g.w);
    for c in 0..g.c {
        for ki in 0..k {
            for kj in 0..k {
                let src = &col[((c * k + ki) * k + kj) * span..][..span];
                let dst = &mut x[c * hw + ki * g.w + kj..][..span];
                for (d, v) in dst.iter_mut().zip(src) {
                    *d += v;
                }
            }
        }
    }
}

/// (o, span) rows laid out `w` wide -> the (o, oh*ow) output, dropping the extra columns;
/// writes every element of `y` and returns it initialised.
fn narrow_rows<'a>(g: &Geom, wide: &[f32], y: &'a mut [MaybeUninit<f32>]) -> &'a mut [f32] {
    assert_eq!(y.len(), g.out_len());
    let span = g.span();
    for (o, plane) in y.chunks_mut(g.pix()).enumerate() {
        for (oy, row) in plane.chunks_mut(g.ow).enumerate() {
            init_copy(row, &wide[o * span + oy * g.w..][..g.ow]);
        }
    }
    // SAFETY: the o planes of oh rows of ow values cover all of `y` (its length is
    // asserted), and each row was initialised by `init_copy`.
    unsafe { assume_init_mut(y) }
}

/// The adjoint of [`narrow_rows`]: the (o, oh*ow) gradient laid out `w` wide, zeros between.
fn widen_rows(g: &Geom, dy: &[f32], wide: &mut [f32]) {
    let (span, pix) = (g.span(), g.pix());
    for o in 0..g.o {
        let row = &mut wide[o * span..(o + 1) * span];
        row.fill(0.0);
        for oy in 0..g.oh {
            row[oy * g.w..][..g.ow].copy_from_slice(&dy[o * pix + oy * g.ow..][..g.ow]);
        }
    }
}

/// One sample's (c, h, w) image to its (c*k*k, oh*ow) patch matrix; writes every element.
fn im2col(g: &Geom, x: &[f32], col: &mut [f32]) {
    let (k, s, pix) = (g.k, g.stride, g.pix());
    for c in 0..g.c {
        let plane = &x[c * g.h * g.w..(c + 1) * g.h * g.w];
        for ki in 0..k {
            for kj in 0..k {
                let row = &mut col[((c * k + ki) * k + kj) * pix..][..pix];
                let (lo, hi, off) = g.valid_cols(kj);
                for oy in 0..g.oh {
                    let dst = &mut row[oy * g.ow..(oy + 1) * g.ow];
                    let iy = (oy * s + ki) as isize - g.pad as isize;
                    if iy < 0 || iy >= g.h as isize {
                        dst.fill(0.0);
                        continue;
                    }
                    let src = &plane[iy as usize * g.w..(iy as usize + 1) * g.w];
                    dst[..lo].fill(0.0);
                    dst[hi..].fill(0.0);
                    if s == 1 {
                        let a = (lo as isize + off) as usize;
                        dst[lo..hi].copy_from_slice(&src[a..a + (hi - lo)]);
                    } else {
                        for (ox, d) in dst.iter_mut().enumerate().take(hi).skip(lo) {
                            *d = src[(ox as isize * s as isize + off) as usize];
                        }
                    }
                }
            }
        }
    }
}

/// The adjoint of [`im2col`]: adds each patch-matrix entry back onto the pixel it came from.
/// `x` must be zeroed by the caller.
fn col2im(g: &Geom, col: &[f32], x: &mut [f32]) {
    let (k, s, pix) = (g.k, g.stride, g.pix());
    for c in 0..g.c {
        let plane = &mut x[c * g.h * g.w..(c + 1) * g.h * g.w];
        for ki in 0..k {
            for kj in 0..k {
                let row = &col[((c * k + ki) * k + kj) * pix..][..pix];
                let (lo, hi, off) = g.valid_cols(kj);
                for oy in 0..g.oh {
                    let iy = (oy * s + ki) as isize - g.pad as isize;
                    if iy < 0 || iy >= g.h as isize {
                        continue;
                    }
                    let src = &row[oy * g.ow..(oy + 1) * g.ow];
                    let dst = &mut plane[iy as usize * g.w..(iy as usize + 1) * g.w];
                    if s == 1 {
                        let a = (lo as isize + off) as usize;
                        for (d, v) in dst[a..a + (hi - lo)].iter_mut().zip(&src[lo..hi]) {
                            *d += v;
                        }
                    } else {
                        for (ox, v) in src.iter().enumerate().take(hi).skip(lo) {
                            dst[(ox as isize * s as isize + off) as usize] += v;
                        }
                    }
                }
            }
        }
    }
}

/// Forward: y[n] = W (o x ckk) * patches(x[n]) (ckk x span), in parallel over the batch.
pub(super) fn forward(g: &Geom, x: &[f32], w: &[f32]) -> Vec<f32> {
    forward_then(g, x, w, &|_| {})
}

/// [`forward`], then `post` on each sample's (o, oh*ow) output while it is still in cache.
pub(super) fn forward_then(
    g: &Geom,
    x: &[f32],
    w: &[f32],
    post: &(dyn Fn(&mut [f32]) + Sync),
) -> Vec<f32> {
    forward_fold(g, x, w, || (), |_, yn| post(yn)).0
}

/// [`forward`], folding each sample's (o, oh*ow) output into its task's state while it is
/// in cache: `post(state, yn)` for the samples of each task in order, starting from
/// `init()`. Tasks are [`samples_per_task`] consecutive samples; states in task order.
pub(super) fn forward_fold<T: Send>(
    g: &Geom,
    x: &[f32],
    w: &[f32],
    init: impl Fn() -> T + Sync,
    post: impl Fn(&mut T, &mut [f32]) + Sync,
) -> (Vec<f32>, Vec<T>) {
    let per = samples_per_task(g.n);
    let (ckk, pix, span, mode) = (g.ckk(), g.pix(), g.span(), g.mode());
    let col_len = if mode == Mode::Pointwise {
        0
    } else {
        ckk * span
    };
    let wide_len = if mode == Mode::Wide { g.o * span } else { 0 };
    let wm = Mat::rows(w, ckk);
    let task = |t: usize, ys: &mut [MaybeUninit<f32>]| {
        let mut state = init();
        with_scratch(col_len + wide_len, |buf| {
            let (col, wide) = buf.split_at_mut(col_len);
            for (i, yn) in ys.chunks_mut(g.out_len()).enumerate() {
                let n = t * per + i;
                let xn = &x[n * g.in_len()..(n + 1) * g.in_len()];
                let yn = match mode {
                    Mode::Pointwise => matmul_init(g.o, pix, ckk, yn, wm, Mat::rows(xn, pix)),
                    Mode::General => {
                        im2col(g, xn, col);
                        matmul_init(g.o, pix, ckk, yn, wm, Mat::rows(col, pix))
                    }
                    Mode::Wide => {
                        im2col_wide(g, xn, col);
                        matmul(g.o, span, ckk, wide, false, wm, Mat::rows(col, span));
                        narrow_rows(g, wide, yn)
                    }
                };
                post(&mut state, yn);
            }
        });
        state
    };
    // SAFETY: each task's chunk is whole samples, and every sample's output is initialised
    // by `matmul_init` or `narrow_rows`, which write all of it.
    unsafe { build_uninit(g.n * g.out_len(), per * g.out_len(), task) }
}

/// Sample by sample, the gradient reaching a convolution's output: given whole, or
/// computed per sample just before the convolution's backward uses it (the fused block's
/// BatchNorm backward), so it is in cache and never stored for the whole batch.
#[derive(Clone, Copy)]
pub(super) enum Dy<'a> {
    Given(&'a [f32]),
    PerSample(&'a dyn SampleGrad),
}

pub(super) trait SampleGrad: Sync {
    /// Writes sample `n`'s (o, oh*ow) output gradient over all of `out`; returns it.
    fn write<'a>(&self, n: usize, out: &'a mut [MaybeUninit<f32>]) -> &'a mut [f32];
}

/// Backward: the weight gradient sum_n dy[n] * patches(x[n])^T, and, when `input_grad`,
/// dx[n] = col2im(W^T * dy[n]). One pass over the batch computes both, per thread.
pub(super) fn backward(
    g: &Geom,
    x: &[f32],
    w: &[f32],
    dy: Dy,
    input_grad: bool,
) -> (Option<Vec<f32>>, Vec<f32>) {
    let (ckk, pix, span, mode) = (g.ckk(), g.pix(), g.span(), g.mode());
    let per = samples_per_task(g.n);
    let col_len = if mode == Mode::Pointwise {
        0
    } else {
        ckk * span
    };
    let dcol_len = if input_grad { col_len } else { 0 };
    let wide_len = if mode == Mode::Wide { g.o * span } else { 0 };
    let task = |t: usize, mut dxs: Option<&mut [MaybeUninit<f32>]>| -> Vec<f32> {
        let mut dw = vec![0.0f32; g.o * ckk];
        let mut dy_buf: Vec<f32> = match dy {
            Dy::PerSample(_) => Vec::with_capacity(g.out_len()),
            Dy::Given(_) => Vec::new(),
        };
        let n_end = ((t + 1) * per).min(g.n);
        with_scratch(col_len + dcol_len + wide_len, |buf| {
            let (col_buf, rest) = buf.split_at_mut(col_len);
            let (dcol, wide) = rest.split_at_mut(dcol_len);
            for n in t * per..n_end {
                let xn = &x[n * g.in_len()..(n + 1) * g.in_len()];
                let dyn_: &[f32] = match dy {
                    Dy::Given(d) => &d[n * g.out_len()..(n + 1) * g.out_len()],
                    Dy::PerSample(f) => f.write(n, &mut dy_buf.spare_capacity_mut()[..g.out_len()]),
                };
                let (col, dyv): (&[f32], &[f32]) = match mode {
                    Mode::Pointwise => (xn, dyn_),
                    Mode::General => {
                        im2col(g, xn, col_buf);
                        (col_buf, dyn_)
                    }
                    Mode::Wide => {
                        im2col_wide(g, xn, col_buf);
                        widen_rows(g, dyn_, wide);
                        (col_buf, wide)
                    }
                };
                // dW (o x ckk) += dy[n] (o x span) * col^T (span x ckk)
                let dym = Mat::rows(dyv, span);
                matmul(
                    g.o,
                    ckk,
                    span,
                    &mut dw,
                    true,
                    dym,
                    Mat::transposed(col, span),
                );
                if let Some(dxs) = dxs.as_deref_mut() {
                    let i = n - t * per;
                    let dxn = &mut dxs[i * g.in_len()..(i + 1) * g.in_len()];
                    // dcol (ckk x span) = W^T (ckk x o) * dy[n] (o x span)
                    let wt = Mat::transposed(w, ckk);
                    match mode {
                        Mode::Pointwise => {
                            matmul_init(ckk, pix, g.o, dxn, wt, dym);
                        }
                        Mode::General => {
                            matmul(ckk, pix, g.o, dcol, false, wt, dym);
                            col2im(g, dcol, init_zeroed(dxn));
                        }
                        Mode::Wide => {
                            matmul(ckk, span, g.o, dcol, false, wt, dym);
                            col2im_wide(g, dcol, init_zeroed(dxn));
                        }
                    }
                }
            }
        });
        dw
    };
    let (dx, partial) = if input_grad {
        // SAFETY: each task's chunk is whole samples, and every sample's input gradient is
        // initialised (by `matmul_init`, or zeroed by `init_zeroed` before col2im adds).
        let (dx, p) =
            unsafe { build_uninit(g.n * g.in_len(), per * g.in_len(), |t, c| task(t, Some(c))) };
        (Some(dx), p)
    } else {
        (None, map_tasks(g.n.div_ceil(per), |t| task(t, None)))
    };
    let mut dw = vec![0.0f32; g.o * ckk];
    for p in &partial {
        for (a, b) in dw.iter_mut().zip(p) {
            *a += b;
        }
    }
    (dx, dw)
}

/// The candle op: arguments (x, w), output y; its backward calls [`backward`].
pub(super) struct Conv2d {
    pub stride: usize,
    pub padding: usize,
    pub input_grad: bool,
}

impl CustomOp2 for Conv2d {
    fn name(&self) -> &'static str {
        "fast-conv2d"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let g = Geom::new(l1.dims(), l2.dims(), self.stride, self.padding)?;
        let y = forward(&g, slice(s1, l1)?, slice(s2, l2)?);
        Ok((CpuStorage::F32(y), Shape::from((g.n, g.o, g.oh, g.ow))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let g = Geom::new(x.dims(), w.dims(), self.stride, self.padding)?;
        let (dx, dw) = with_slice(x, |xs| {
            with_slice(w, |ws| {
                with_slice(dy, |dys| {
                    Ok(backward(&g, xs, ws, Dy::Given(dys), self.input_grad))
                })
            })
        })?;
        let dx = dx.map(|d| tensor(d, x.shape())).transpose()?;
        Ok((dx, Some(tensor(dw, w.shape())?)))
    }
}
