use super::*;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-pred-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

const LABELS: [u8; 5] = [7, 2, 1, 0, 4];

#[test]
fn epochs_written_read_back_and_the_size_per_epoch_is_n_plus_4() {
    let d = dir("roundtrip");
    record(&d, 1, 10, &LABELS, &[7, 2, 1, 6, 4]).unwrap();
    record(&d, 2, 10, &LABELS, &[7, 2, 1, 0, 9]).unwrap();
    let p = read(&d).unwrap();
    assert_eq!(p.labels, LABELS);
    assert_eq!(p.classes, 10);
    assert_eq!(p.epoch(1), Some(&[7, 2, 1, 6, 4][..]));
    assert_eq!(p.last(), Some((2, &[7, 2, 1, 0, 9][..])));
    assert_eq!(p.epoch(3), None);
    assert!(p.warnings.is_empty());
    let len = fs::metadata(d.join(FILE)).unwrap().len() as usize;
    assert_eq!(len, HEAD + LABELS.len() + 2 * record_bytes(LABELS.len()));
    assert_eq!(record_bytes(10_000), 10_004);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_truncated_tail_is_ignored_with_a_warning_and_replaced_by_the_next_record() {
    let d = dir("tail");
    record(&d, 1, 10, &LABELS, &[7, 2, 1, 6, 4]).unwrap();
    record(&d, 2, 10, &LABELS, &[7, 2, 1, 0, 9]).unwrap();
    let path = d.join(FILE);
    let full = fs::metadata(&path).unwrap().len();
    let f = OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(full - 2).unwrap();
    let p = read(&d).unwrap();
    assert_eq!(p.epochs.len(), 1);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("truncated last record (7 of 9 bytes)"));
    record(&d, 2, 10, &LABELS, &[1, 1, 1, 1, 1]).unwrap();
    let p = read(&d).unwrap();
    assert!(p.warnings.is_empty());
    assert_eq!(p.epoch(2), Some(&[1, 1, 1, 1, 1][..]));
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_resumed_epoch_replaces_the_records_from_that_epoch_on() {
    let d = dir("resume");
    for e in 1..=3 {
        record(&d, e, 10, &LABELS, &[e as u8; 5]).unwrap();
    }
    record(&d, 2, 10, &LABELS, &[9; 5]).unwrap();
    let p = read(&d).unwrap();
    let epochs: Vec<usize> = p.epochs.iter().map(|(e, _)| *e).collect();
    assert_eq!(epochs, [1, 2]);
    assert_eq!(p.epoch(2), Some(&[9; 5][..]));
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_file_for_other_test_images_is_an_error_and_left_as_it_is() {
    let d = dir("other");
    record(&d, 1, 10, &LABELS, &LABELS).unwrap();
    let before = fs::read(d.join(FILE)).unwrap();
    let e = record(&d, 2, 10, &[1, 2, 3], &[1, 2, 3]).unwrap_err();
    assert!(e.to_string().contains("differ from this run's 3"), "{e}");
    assert_eq!(fs::read(d.join(FILE)).unwrap(), before);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn missing_and_damaged_files_say_which_and_why() {
    let d = dir("missing");
    let e = read(&d).unwrap_err();
    assert!(matches!(e, PredictionsError::Missing { .. }));
    assert!(e.to_string().contains("no predictions.bin"), "{e}");
    fs::write(d.join(FILE), b"hello").unwrap();
    assert!(read(&d).unwrap_err().to_string().contains("bad header"));
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&100u32.to_le_bytes());
    bytes.extend_from_slice(&[10, 0, 0, 0, 1, 2]);
    let e = parse(&bytes, Path::new("p.bin")).unwrap_err().to_string();
    assert!(
        e.starts_with("p.bin: the header says 100 test images"),
        "{e}"
    );
    fs::remove_dir_all(&d).unwrap();
}
