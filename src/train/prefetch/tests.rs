use super::*;

struct Own(Split);
impl AsRef<Split> for Own {
    fn as_ref(&self) -> &Split {
        &self.0
    }
}

fn split(n: usize) -> Split {
    Split {
        images: (0..n * 16).map(|i| (i * 31 % 251) as u8).collect(),
        labels: (0..n).map(|i| (i % 10) as u8).collect(),
        rows: 4,
        cols: 4,
    }
}

fn plan(n: usize, deg: f32) -> EpochPlan {
    EpochPlan {
        order: (0..n).rev().collect(),
        batch_size: 3,
        augment: Augment {
            rotate_degrees: deg,
            translate_px: 0.0,
        },
        seed: 42,
        scale: 1.0,
        shift: 0.0,
    }
}

fn collect(n: usize, deg: f32) -> Vec<Prepared> {
    let mut p = Prefetch::spawn(Own(split(n)), plan(n, deg)).unwrap();
    std::iter::from_fn(|| p.next_batch()).collect()
}

#[test]
fn batches_come_in_order_with_the_right_labels_and_end() {
    let got = collect(10, 0.0);
    assert_eq!(
        got.iter().map(|p| p.labels.len()).collect::<Vec<_>>(),
        [3, 3, 3, 1]
    );
    let labels: Vec<u32> = got.iter().flat_map(|p| p.labels.clone()).collect();
    assert_eq!(labels, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    let s = split(10);
    let first: Vec<f32> = s.image(9).iter().map(|&v| v as f32).collect();
    assert_eq!(&got[0].x[..16], &first[..]);
}

#[test]
fn augmented_batches_are_reproducible_and_differ_from_plain() {
    let a = collect(10, 30.0);
    let b = collect(10, 30.0);
    let plain = collect(10, 0.0);
    for ((a, b), p) in a.iter().zip(&b).zip(&plain) {
        assert_eq!(a.x, b.x);
        assert_ne!(a.x, p.x);
    }
}

#[test]
fn dropping_early_stops_the_producer() {
    let mut p = Prefetch::spawn(Own(split(1000)), plan(1000, 10.0)).unwrap();
    assert!(p.next_batch().is_some());
    drop(p); // must not hang with the producer blocked on a full channel
}
