use super::*;

fn logp(pred: usize, p: f32) -> Vec<f32> {
    let rest = (1.0 - p) / 2.0;
    (0..3)
        .map(|c| if c == pred { p.ln() } else { rest.ln() })
        .collect()
}

#[test]
fn counts_every_prediction_and_keeps_the_most_confident_mistakes_in_order() {
    let split = Split {
        images: (0..6 * 4).map(|v| v as u8).collect(),
        labels: vec![0, 1, 2, 0, 1, 2],
        rows: 2,
        cols: 2,
    };
    let mut t = Tally::new(2);
    t.add_one(&logp(0, 0.9), 0, 0); // right
    t.add_one(&logp(2, 0.6), 1, 1); // wrong, 0.6
    t.add_one(&logp(0, 0.95), 2, 2); // wrong, 0.95
    t.add_one(&logp(1, 0.5), 3, 0); // wrong, 0.5: not kept (k = 2)
    t.add_one(&logp(1, 0.8), 4, 1); // right
    t.add_one(&logp(1, 0.7), 5, 2); // wrong, 0.7
    let d = t.finish(3, &split);
    assert_eq!(d.epoch, 3);
    assert_eq!(d.matrix, vec![vec![1, 1, 0], vec![0, 1, 1], vec![1, 1, 0]]);
    let kept: Vec<(usize, u8, u8)> = d
        .mistakes
        .iter()
        .map(|m| (m.index, m.label, m.predicted))
        .collect();
    assert_eq!(kept, vec![(2, 2, 0), (5, 2, 1)]);
    assert!((d.mistakes[0].confidence - 0.95).abs() < 1e-5);
    assert_eq!(d.mistakes[1].pixels, vec![20, 21, 22, 23]);
}
