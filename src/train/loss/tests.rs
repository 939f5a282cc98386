use super::*;
use candle_core::Device;

/// Reference: PyTorch
/// `F.cross_entropy(logits, y, label_smoothing=0.1)` with
/// `logits = [[2, 0, -1], [0.5, 0.5, 0]]`, `y = [0, 2]`. Written out: per row,
/// (1 - 0.1) * -logp[y] + 0.1 / 3 * sum(-logp), averaged over the two rows.
#[test]
fn label_smoothing_matches_pytorch_cross_entropy() {
    let dev = Device::Cpu;
    let rows = [[2.0f64, 0.0, -1.0], [0.5, 0.5, 0.0]];
    let y = [0usize, 2];
    let mut want = 0.0;
    for (r, &t) in rows.iter().zip(&y) {
        let lse = r.iter().map(|v| v.exp()).sum::<f64>().ln();
        let logp: Vec<f64> = r.iter().map(|v| v - lse).collect();
        want += 0.9 * -logp[t] + 0.1 / 3.0 * logp.iter().map(|v| -v).sum::<f64>();
    }
    want /= 2.0;
    let logits = Tensor::new(&[[2.0f32, 0.0, -1.0], [0.5, 0.5, 0.0]], &dev).unwrap();
    let logp = candle_nn::ops::log_softmax(&logits, 1).unwrap();
    let yt = Tensor::new(&[0u32, 2], &dev).unwrap();
    let got = smoothed_nll(&logp, &yt, 0.1)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!((got as f64 - want).abs() < 1e-6, "{got} vs {want}");
    let plain = smoothed_nll(&logp, &yt, 0.0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(
        plain < got,
        "smoothing raises the loss of confident right answers"
    );
}
