use super::*;
use std::path::PathBuf;

pub(crate) fn idx_images(n: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut v = Vec::new();
    for w in [2051, n, rows, cols] {
        v.extend_from_slice(&w.to_be_bytes());
    }
    v.extend((0..n * rows * cols).map(|i| (i % 251) as u8));
    v
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn parse_mem(name: &str, kind: IdxKind, bytes: &[u8]) -> Result<(Claim, Vec<u8>), DataError> {
    let path = PathBuf::from(format!("/fixtures/{name}"));
    read_from(&path, kind, bytes, Some(bytes.len() as u64))
}

#[test]
fn data_idx_reads_raw_gz_and_sniffed_gz_alike() {
    let raw = idx_images(3, 2, 5);
    let a = parse_mem("x-idx3-ubyte", IdxKind::Images, &raw).unwrap();
    let b = parse_mem("x-idx3-ubyte.gz", IdxKind::Images, &gz(&raw)).unwrap();
    let c = parse_mem("x-idx3-ubyte", IdxKind::Images, &gz(&raw)).unwrap();
    assert_eq!(
        a.0,
        Claim {
            kind: IdxKind::Images,
            count: 3,
            rows: 2,
            cols: 5
        }
    );
    assert_eq!(a.1, raw[16..].to_vec());
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn data_idx_unknown_length_still_checks_truncation_and_trailing() {
    let raw = idx_images(3, 2, 2);
    let p = Path::new("/fixtures/pipe");
    assert!(read_from(p, IdxKind::Images, &raw[..], None).is_ok());
    let short = read_from(p, IdxKind::Images, &raw[..raw.len() - 1], None).unwrap_err();
    assert!(
        matches!(short.problem(), Some(Problem::Truncated { have: 11, .. })),
        "{short}"
    );
    let mut long = raw.clone();
    long.extend_from_slice(&[1, 2, 3]);
    let e = read_from(p, IdxKind::Images, &long[..], None).unwrap_err();
    assert!(
        matches!(e.problem(), Some(Problem::Trailing { extra: 3, .. })),
        "{e}"
    );
}

#[test]
fn data_idx_header_claiming_4_billion_images_fails_without_reading_or_allocating() {
    let mut raw = idx_images(1, 28, 28);
    raw[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    let e = parse_mem("big-idx3-ubyte", IdxKind::Images, &raw).unwrap_err();
    assert_eq!(
        e.to_string(),
        "/fixtures/big-idx3-ubyte: header claims 4294967295 images, more than the 10000000 \
             this loader accepts (a corrupt header?)"
    );
    // Within the item cap, the claim is checked against the file size first.
    raw[4..8].copy_from_slice(&9_000_000u32.to_be_bytes());
    let e = parse_mem("big-idx3-ubyte", IdxKind::Images, &raw).unwrap_err();
    assert_eq!(
        e.to_string(),
        "/fixtures/big-idx3-ubyte: truncated: header says 9000000 images of 28x28 \
             (7056000000 bytes) but the file holds only 784 bytes after its 16-byte header"
    );
}
