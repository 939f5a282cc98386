use super::*;
use crate::config::Config;
use crate::export::fixture;
use std::path::Path;

fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn header(bytes: &[u8]) -> Vec<String> {
    csv::Reader::from_reader(bytes)
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect()
}

#[test]
fn one_row_per_epoch_with_only_the_differing_hyperparameters() {
    let mut other = Config::default();
    other.train.lr = 0.05;
    other.train.optimizer = "adam".parse().unwrap();
    let runs = [
        fixture::run("a", Path::new("runs/a"), Config::default()),
        fixture::run("b, with \"quotes\"", Path::new("runs/b"), other),
    ];
    let bytes = render(&runs, false).unwrap();
    let mut want = vec!["run", "train.lr", "train.optimizer"];
    want.extend(COLUMNS);
    assert_eq!(header(&bytes), want);
    let r = rows(&bytes);
    assert_eq!(r.len(), 4);
    let lr = Config::default().train.lr.to_string();
    assert_eq!(
        r[0],
        [
            "a",
            lr.as_str(),
            "sgd",
            "epoch",
            "1",
            "",
            "1",
            "0.5",
            "0.8",
            "0.9",
            &(100.0 * (0.8f64 - 0.9)).to_string(),
            "0.01",
            "10",
            "2"
        ]
    );
    assert_eq!(
        r[3][..5],
        ["b, with \"quotes\"", "0.05", "adam", "epoch", "2"]
    );
    // The quoting is RFC 4180's: the field is quoted and its quotes doubled.
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(r#""b, with ""quotes""""#), "{text}");
}

#[test]
fn batches_add_one_row_per_batch_after_the_epochs() {
    let runs = [fixture::run("a", Path::new("runs/a"), Config::default())];
    let bytes = render(&runs, true).unwrap();
    assert_eq!(header(&bytes)[..3], ["run", "level", "epoch"]);
    let r = rows(&bytes);
    assert_eq!(r.len(), 2 + 6);
    assert_eq!(
        r[2],
        ["a", "batch", "1", "1", "11", "", "0.5", "", "", "0.01", "1", ""]
    );
    assert_eq!(r[7][..5], ["a", "batch", "2", "3", "23"]);
}

#[test]
fn write_replaces_the_file_whole_and_names_an_unwritable_one() {
    let root = fixture::scratch("csv-write");
    let runs = [fixture::run("a", &root.join("a"), Config::default())];
    let path = root.join("out.csv");
    std::fs::write(&path, "old").unwrap();
    write(&path, &runs, false).unwrap();
    assert_eq!(rows(&std::fs::read(&path).unwrap()).len(), 2);
    let names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out.csv"]);
    let err = write(&root.join("out.csv/inner.csv"), &runs, false).unwrap_err();
    assert!(
        err.to_string().contains("out.csv/inner.csv: cannot write"),
        "{err}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}
