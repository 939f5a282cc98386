//! Test-only property check of the config loader: mutated config files (edge values, lines
//! dropped, duplicated or cut, bytes flipped) with random `--set` overrides must give a
//! validated `Config` or an error naming the source — never a panic. An accepted config
//! must be usable: its preset summarises and its effective TOML loads back equal. Fixed
//! seed, so a failure can be replayed; `CONVSCOPE_FUZZ_CASES` runs more cases.

use super::{parse_set, Config};
use crate::rng::Rng;

/// Values worth trying at any key: edges of every type and range check.
const VALUES: [&str; 32] = [
    "0",
    "1",
    "-1",
    "0.5",
    "1.5",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967295",
    "\"\"",
    "\"model-2\"",
    "\"x\"",
    "true",
    "[]",
    "{}",
    "[1, 28, 28]",
    "[0, 0, 0]",
    "[1, 4294967295, 4294967295]",
    "[1, 18446744073709551615, 1]",
    "[{ type = \"conv\", out = 10, kernel = 3, stride = 0 }, { type = \"avgpool_global\" }]",
    "[{ type = \"conv\", out = 10, kernel = 0 }, { type = \"avgpool_global\" }]",
    "[{ type = \"maxpool\", kernel = 0 }, { type = \"conv\", out = 10, kernel = 1 }, { type = \"avgpool_global\" }]",
    "[{ type = \"maxpool\", kernel = 2, stride = 0 }]",
    "[{ type = \"conv\", out = 10, kernel = 1, padding = 18446744073709551615 }]",
    "[{ type = \"conv\", out = 0, kernel = 3 }, { type = \"avgpool_global\" }]",
    "[{ type = \"dropout\", p = 2.0 }, { type = \"conv\", out = 10, kernel = 28 }]",
];

const KEYS: [&str; 20] = [
    "model",
    "train.lr",
    "train.epochs",
    "train.batch_size",
    "train.momentum",
    "train.schedule",
    "train.pct_start",
    "train.step_size",
    "train.optimizer",
    "train.device",
    "data.eval_batch_size",
    "data.std",
    "ui.tick_ms",
    "ui.marker",
    "models.model-2.input",
    "models.model-2.layers",
    "models.new.layers",
    "train",
    "train.lr.x",
    "a..b",
];

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len())]
}

/// The shipped file, mutated line by line.
fn file(rng: &mut Rng) -> String {
    let shipped = include_str!("../../config.toml");
    if rng.below(20) == 0 {
        return (0..rng.below(80))
            .map(|_| char::from(32 + rng.below(95) as u8))
            .collect();
    }
    let mut lines: Vec<String> = shipped.lines().map(str::to_string).collect();
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(lines.len());
        match rng.below(6) {
            // A new value for a `key = value` line.
            0 | 1 => {
                if let Some((k, _)) = lines[i].split_once(" = ") {
                    lines[i] = format!("{k} = {}", pick(rng, &VALUES));
                }
            }
            2 => {
                lines.remove(i);
            }
            3 => {
                let l = lines[i].clone();
                lines.insert(rng.below(lines.len()), l);
            }
            4 => {
                let cut = rng.below(lines[i].len() + 1);
                lines[i] = lines[i].chars().take(cut).collect();
            }
            _ => {
                let mut b = lines[i].clone().into_bytes();
                if !b.is_empty() {
                    let j = rng.below(b.len());
                    b[j] = 32 + rng.below(95) as u8;
                }
                lines[i] = String::from_utf8_lossy(&b).into_owned();
            }
        }
    }
    lines.join("\n")
}

fn sets(rng: &mut Rng) -> Vec<(String, String)> {
    (0..rng.below(3))
        .filter_map(|_| {
            let raw = format!("{}={}", pick(rng, &KEYS), pick(rng, &VALUES));
            parse_set(&raw).ok()
        })
        .collect()
}

#[test]
fn config_fuzz_loader_never_panics_and_accepts_only_usable_configs() {
    let cases: usize = std::env::var("CONVSCOPE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let seed = 0x5EED_C0F1;
    let mut rng = Rng::derive(seed, "config-fuzz");
    let (mut oks, mut errs) = (0usize, 0usize);
    for i in 0..cases {
        let (text, sets) = (file(&mut rng), sets(&mut rng));
        let run = std::panic::catch_unwind(|| {
            let r = Config::from_toml("fuzz.toml", &text, &sets);
            if let Ok(c) = &r {
                let summary = c.preset().summarize();
                assert!(summary.is_ok(), "accepted but does not summarise");
                // Compared as text: NaN in a key the optimizer ignores is accepted, and
                // NaN != NaN.
                let again = Config::from_toml("again", &c.to_toml(), &[]);
                let again = again.map(|a| a.to_toml()).map_err(|e| e.to_string());
                assert_eq!(again, Ok(c.to_toml()), "effective TOML does not load back");
            }
            r
        });
        match run {
            Ok(Ok(_)) => oks += 1,
            Ok(Err(e)) => {
                errs += 1;
                let msg = e.to_string();
                assert!(
                    msg.starts_with("fuzz.toml: ") || msg.starts_with("--set "),
                    "case {i}: error does not name its source: {msg}"
                );
            }
            Err(_) => {
                panic!("case {i} (seed {seed:#x}) panicked on sets {sets:?} and file:\n{text}")
            }
        }
    }
    println!("config fuzz: {cases} cases, {oks} accepted, {errs} refused");
    assert!(
        oks > cases / 20 && errs > cases / 4,
        "{oks} ok / {errs} errors"
    );
}
