//! Test-only property check of the IDX reader: random and mutated headers and bytes, raw and
//! gzip, must give a value or an error naming the file — never a panic, and never memory
//! beyond what the bytes present can justify. Fixed seed, so a failure can be replayed; set
//! `CONVSCOPE_FUZZ_CASES` to run more cases.

use std::io::Write;
use std::path::Path;

use super::alloc_probe::peak_bytes;
use super::error::{DataError, IdxKind};
use super::idx::{read_from, MAX_ITEMS};
use crate::rng::Rng;

/// Header words worth trying: edges of every check the reader makes.
const INTERESTING: [u32; 14] = [
    0,
    1,
    2,
    28,
    2049,
    2051,
    4096,
    4097,
    10_000_000,
    10_000_001,
    60_000,
    0x7fff_ffff,
    0x8000_0000,
    u32::MAX,
];

fn valid(rng: &mut Rng, kind: IdxKind) -> Vec<u8> {
    let n = 1 + rng.below(6) as u32;
    let (rows, cols) = (1 + rng.below(6) as u32, 1 + rng.below(6) as u32);
    let mut v = kind.magic().to_be_bytes().to_vec();
    v.extend_from_slice(&n.to_be_bytes());
    let body = match kind {
        IdxKind::Images => {
            v.extend_from_slice(&rows.to_be_bytes());
            v.extend_from_slice(&cols.to_be_bytes());
            n * rows * cols
        }
        IdxKind::Labels => n,
    };
    v.extend((0..body).map(|_| rng.below(256) as u8));
    v
}

fn mutate(rng: &mut Rng, v: &mut Vec<u8>) {
    for _ in 0..rng.below(4) {
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let word = rng.below(4) * 4;
                let value = if rng.below(3) == 0 {
                    rng.next_u64() as u32
                } else {
                    INTERESTING[rng.below(INTERESTING.len())]
                };
                if v.len() < word + 4 {
                    v.resize(word + 4, 0);
                }
                v[word..word + 4].copy_from_slice(&value.to_be_bytes());
            }
            2 => {
                let keep = rng.below(v.len() + 1);
                v.truncate(keep);
            }
            3 => v.extend((0..rng.below(40)).map(|_| rng.below(256) as u8)),
            4 => {
                let at = rng.below(v.len() + 1);
                let junk: Vec<u8> = (0..1 + rng.below(8))
                    .map(|_| rng.below(256) as u8)
                    .collect();
                v.splice(at..at, junk);
            }
            _ => {}
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// One generated case: the bytes, the name they come under, and whether they are an
/// untouched valid file (which must load).
struct Case {
    bytes: Vec<u8>,
    name: &'static str,
    kind: IdxKind,
    valid: Option<Vec<u8>>,
}

fn case(rng: &mut Rng) -> Case {
    let kind = if rng.below(2) == 0 {
        IdxKind::Images
    } else {
        IdxKind::Labels
    };
    let random = rng.below(10) == 0;
    let original = if random {
        (0..rng.below(64)).map(|_| rng.below(256) as u8).collect()
    } else {
        valid(rng, kind)
    };
    let mut raw = original.clone();
    let pristine = rng.below(8) == 0;
    if !pristine {
        mutate(rng, &mut raw);
    }
    let mut gz = rng.below(2) == 0;
    let mut bytes = if gz { gzip(&raw) } else { raw.clone() };
    if gz && !pristine && rng.below(3) == 0 {
        mutate(rng, &mut bytes);
    }
    // Sometimes lie about the compression in the name.
    if rng.below(6) == 0 {
        gz = !gz;
    }
    let name = match (kind, gz) {
        (IdxKind::Images, true) => "fuzz-images-idx3-ubyte.gz",
        (IdxKind::Images, false) => "fuzz-images-idx3-ubyte",
        (IdxKind::Labels, true) => "fuzz-labels-idx1-ubyte.gz",
        (IdxKind::Labels, false) => "fuzz-labels-idx1-ubyte",
    };
    let must_load = pristine && !random;
    // A raw file named .gz is rightly refused; gzip under a plain name is still read.
    let honest_name = !(name.ends_with(".gz") && bytes.first() != Some(&0x1f));
    Case {
        bytes,
        name,
        kind,
        valid: (must_load && honest_name).then(|| original[kind.header_len()..].to_vec()),
    }
}

#[test]
fn data_fuzz_idx_reader_never_panics_and_never_over_allocates() {
    let cases: usize = std::env::var("CONVSCOPE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seed = 0xC0FF_EE15;
    let mut rng = Rng::derive(seed, "idx-fuzz");
    let (mut oks, mut errs) = (0usize, 0usize);
    for i in 0..cases {
        let c = case(&mut rng);
        let path = Path::new("/fuzz").join(c.name);
        let len = c.bytes.len() as u64;
        let run = std::panic::catch_unwind(|| {
            peak_bytes(|| read_from(&path, c.kind, &c.bytes[..], Some(len)))
        });
        let (result, peak) = match run {
            Ok(r) => r,
            Err(_) => panic!(
                "case {i} (seed {seed:#x}) panicked on {} bytes {:02x?}",
                len, c.bytes
            ),
        };
        // Fixed state of the gzip decoder (~50 KB), plus at most 8x the input and the
        // doubling of a growing buffer.
        let limit = 256 * 1024 + 2 * 8 * (len + 64);
        assert!(
            peak <= limit,
            "case {i}: {peak} bytes allocated for a {len}-byte input (limit {limit})"
        );
        match result {
            Ok((claim, data)) => {
                oks += 1;
                assert_eq!(data.len() as u64, claim.bytes(), "case {i}");
                assert!(claim.count >= 1 && claim.count <= MAX_ITEMS, "case {i}");
                if let Some(expected) = &c.valid {
                    assert_eq!(&data, expected, "case {i}");
                }
            }
            Err(e) => {
                errs += 1;
                assert!(c.valid.is_none(), "case {i}: a valid file was refused: {e}");
                let msg = e.to_string();
                assert!(matches!(e, DataError::File { .. }), "case {i}: {msg}");
                assert!(
                    msg.starts_with(&format!("{}: ", path.display())),
                    "case {i}: {msg}"
                );
            }
        }
    }
    println!("idx fuzz: {cases} cases, {oks} parsed, {errs} refused");
    // The generator must exercise both outcomes, or it tests nothing.
    assert!(
        oks > cases / 20 && errs > cases / 4,
        "{oks} ok / {errs} errors"
    );
}
