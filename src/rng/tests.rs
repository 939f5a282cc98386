use super::*;

#[test]
fn same_seed_same_stream_different_seed_different_stream() {
    let a: Vec<u64> = (0..4)
        .map({
            let mut r = Rng::new(7);
            move |_| r.next_u64()
        })
        .collect();
    let b: Vec<u64> = (0..4)
        .map({
            let mut r = Rng::new(7);
            move |_| r.next_u64()
        })
        .collect();
    let c = Rng::new(8).next_u64();
    assert_eq!(a, b);
    assert_ne!(a[0], c);
    assert_ne!(
        Rng::derive(1, "init").next_u64(),
        Rng::derive(1, "shuffle").next_u64()
    );
}

#[test]
fn uniform_is_in_range_and_roughly_uniform() {
    let mut r = Rng::new(1);
    let xs: Vec<f32> = (0..10_000).map(|_| r.next_f32()).collect();
    assert!(xs.iter().all(|&x| (0.0..1.0).contains(&x)));
    let mean = xs.iter().sum::<f32>() / xs.len() as f32;
    assert!((mean - 0.5).abs() < 0.02, "{mean}");
}

#[test]
fn shuffle_is_a_permutation_and_state_round_trips() {
    let mut r = Rng::new(3);
    let mut v: Vec<usize> = (0..100).collect();
    r.shuffle(&mut v);
    assert_ne!(v, (0..100).collect::<Vec<_>>());
    let mut sorted = v.clone();
    sorted.sort();
    assert_eq!(sorted, (0..100).collect::<Vec<_>>());
    let saved = r.state();
    let x = r.next_u64();
    assert_eq!(Rng::from_state(saved).next_u64(), x);
}
