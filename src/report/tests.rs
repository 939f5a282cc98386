//! The report's facts, recipe, ending, last test pass and plots.

use super::*;

fn epoch(epoch: usize, train: usize, test: usize) -> EpochStats {
    EpochStats {
        epoch,
        epochs: 3,
        train_loss: 0.1,
        train_correct: train,
        train_total: 10_000,
        test_loss: 0.1,
        test_correct: test,
        test_total: 10_000,
        train_seconds: 1.0,
        eval_seconds: 1.0,
        lr: 0.01,
    }
}

#[test]
fn facts_name_the_best_epoch_the_gap_and_its_trend() {
    let e = [
        epoch(1, 9900, 9945),
        epoch(2, 9950, 9944),
        epoch(3, 9970, 9941),
    ];
    let f = facts(&e, 4, BUDGET.target_test_acc);
    assert_eq!(
        f[0],
        "Best test accuracy 99.45% at epoch 1; last 99.41% at epoch 3 of 4 planned."
    );
    assert_eq!(f[1], "Final gap (train − test): +0.29 pp (train ahead).");
    assert_eq!(
        f[2],
        "Gap (train − test) over the last 3 epochs (epoch 1 → 3): -0.45 → +0.29 pp, narrowing: |gap| shrank by 0.16 pp."
    );
    assert!(
        f[3].ends_with("99.45 / 99.44 / 99.41% (at least 99.4% in each)."),
        "{}",
        f[3]
    );
    let f = facts(&e[..1], 3, BUDGET.target_test_acc);
    assert_eq!(f.len(), 2);
    assert!(facts(&[], 3, BUDGET.target_test_acc)[0].starts_with("No epoch finished"));
}

#[test]
fn the_gap_widens_when_its_size_grows_whatever_its_sign() {
    // The two cases: −11.33 → −1.94 pp narrows, −0.40 → −0.53 pp widens.
    let f = facts(
        &[epoch(1, 8000, 9133), epoch(2, 9500, 9694)],
        2,
        BUDGET.target_test_acc,
    );
    assert!(
        f[2].ends_with("-11.33 → -1.94 pp, narrowing: |gap| shrank by 9.39 pp."),
        "{}",
        f[2]
    );
    let f = facts(
        &[epoch(1, 9900, 9940), epoch(2, 9900, 9953)],
        2,
        BUDGET.target_test_acc,
    );
    assert!(
        f[2].ends_with("-0.40 → -0.53 pp, widening: |gap| grew by 0.13 pp."),
        "{}",
        f[2]
    );
}

#[test]
fn the_recipe_states_every_hyperparameter_of_the_run() {
    let toml = crate::config::Config::default().to_toml();
    let md = recipe::section(&toml);
    for key in [
        "## Recipe",
        "- Optimizer: ",
        "weight decay ",
        "- Learning rate: ",
        "schedule ",
        "dropout ",
        "- Augmentation: ",
        "- Batch size ",
        " epochs, seed ",
    ] {
        assert!(md.contains(key), "{key} missing from\n{md}");
    }
    assert!(!md.contains('?'), "a key was not found:\n{md}");
    let custom = toml
        .replace("schedule = \"", "schedule = \"step\"\n#")
        .replace("rotate_degrees = ", "rotate_degrees = 7.5\n#");
    let md = recipe::section(&custom);
    assert!(md.contains("schedule step (× "), "{md}");
    assert!(md.contains("random rotation ±7.5°"), "{md}");
}

fn run_of(dir: &Path) -> Run {
    crate::metrics::read(dir, crate::metrics::Keep::All)
        .unwrap()
        .run
}

#[test]
fn the_report_says_how_the_run_ended_and_how_far_it_got_of_its_plan() {
    use crate::history::fixture::{scratch, write_run, End};
    let root = scratch("report-ending");
    let accs = [(0.9, 0.91), (0.95, 0.94)];
    let killed = write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &accs,
        End::None,
        2,
        &[],
    );
    let mut rec = run_of(&killed);
    rec.planned = 4;
    assert!(ending::line(&rec, Some(&killed))
        .starts_with("No final line: the process was killed or crashed after 2 of 4 planned"));
    let lock = crate::lock::RunLock::acquire(&killed).unwrap();
    assert!(ending::line(&rec, Some(&killed)).starts_with("Still running: 2 of 4 planned"));
    drop(lock);
    let md = document(&rec, &Header::default(), Some(&killed));
    assert!(md.contains("**How it ended:** No final line"), "{md}");
    assert!(md.contains("at epoch 2 of 4 planned."), "{md}");
    // status.json's failure (its metrics line lost on a full disk) is the ending.
    crate::status::write(
        &killed,
        &crate::status::RunStatus {
            state: crate::status::State::Failed,
            exit_code: Some(1),
            reason: Some("No space left on device".into()),
        },
    )
    .unwrap();
    assert_eq!(
        ending::line(&rec, Some(&killed)),
        "Failed after 2 of 4 planned epoch(s): No space left on device."
    );
    let failed = write_run(
        &root,
        "20261126-020000-model-3",
        0.1,
        &accs,
        End::Failed,
        2,
        &[],
    );
    assert!(ending::line(&run_of(&failed), None).starts_with("Failed after 2 of 2 planned"));
    let stopped = write_run(
        &root,
        "20261126-030000-model-3",
        0.1,
        &accs,
        End::Stopped,
        2,
        &[],
    );
    assert!(ending::line(&run_of(&stopped), None).starts_with("Stopped before its end"));
    let done = write_run(
        &root,
        "20261126-040000-model-3",
        0.1,
        &accs,
        End::Finished,
        2,
        &[],
    );
    assert_eq!(
        ending::line(&run_of(&done), None),
        "Finished: 2 of 2 planned epoch(s) trained."
    );
    let _ = std::fs::remove_dir_all(&root);
}

fn detail() -> crate::insight::TestDetail {
    use crate::insight::{Mistake, TestDetail};
    let mistake = |label, predicted, confidence| Mistake {
        index: 7,
        label,
        predicted,
        confidence,
        rows: 28,
        cols: 28,
        pixels: (0..784).map(|i| (i % 256) as u8).collect(),
    };
    TestDetail {
        epoch: 2,
        matrix: vec![vec![5, 1, 0], vec![0, 4, 0], vec![3, 0, 0]],
        mistakes: (0..10)
            .map(|i| mistake(2, 0, 0.99 - i as f32 / 100.0))
            .collect(),
    }
}

#[test]
fn the_last_test_pass_is_a_confusion_table_and_a_grid_of_the_mistakes() {
    let d = detail();
    let md = detail::section(&d);
    assert!(
        md.contains("| true \\ predicted | 0 | 1 | 2 | accuracy |"),
        "{md}"
    );
    assert!(md.contains("| 0 | **5** | 1 | 0 | 83.33% |"), "{md}");
    assert!(md.contains("| 2 | 3 | 0 | **0** | 0.00% |"), "{md}");
    assert!(md.contains("![mistakes](mistakes.png)"), "{md}");
    assert!(md.contains("| 7 | 2 | 0 | 99.0% |"), "{md}");
    let grid = detail::grid(&d).unwrap().unwrap();
    // Two rows of 8 cells (10 mistakes), each 28×3 px plus margins and labels.
    assert_eq!((grid.width, grid.height), (8 * (84 + 16), 2 * (84 + 44)));
    // The first digit's pixels are its grey levels, scaled.
    let at = |x: usize, y: usize| &grid.rgb[(y * grid.width + x) * 3..][..3];
    assert_eq!(at(8, 8), [0, 0, 0]);
    assert_eq!(at(8 + 3 * 5, 8), [5, 5, 5]);
    // The label under it is drawn in black (anti-aliased: some pixels nearly black).
    let label_row = 8 + 84 + 8;
    assert!((label_row - 4..label_row + 16).any(|y| (8..60).any(|x| at(x, y)[0] < 60)));
    // A white gap between the digit and its label.
    assert!((8 + 84..8 + 84 + 3).all(|y| (8..92).all(|x| at(x, y) == [255, 255, 255])));
    let none = crate::insight::TestDetail {
        mistakes: Vec::new(),
        ..d
    };
    assert!(detail::grid(&none).unwrap().is_none());
    assert!(detail::section(&none).contains("No mistakes were recorded."));
}

#[test]
fn the_preset_note_is_labelled_as_the_presets_not_this_runs() {
    use crate::history::fixture::{scratch, write_run, End};
    let root = scratch("report-note");
    let dir = write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &[(0.9, 0.91)],
        End::Finished,
        2,
        &[],
    );
    let md = analysis(&run_of(&dir), None, Some("Seed recipe 99.14%".into()));
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        md.contains("The preset's reference note (stored in the config for earlier runs of this preset; not this run's result): Seed recipe 99.14%"),
        "{md}"
    );
}

use chart::tests::has_text;

fn decode(bytes: &[u8]) -> (usize, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width as usize, buf)
}

#[test]
fn a_resumed_runs_plots_start_at_its_first_epoch_with_titles_and_legends() {
    use crate::history::fixture::{scratch, write_run, End};
    let root = scratch("report-plots");
    let accs = [(0.9, 0.91), (0.95, 0.94), (0.96, 0.95)];
    let dir = write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &accs,
        End::Finished,
        4,
        &[],
    );
    let mut rec = run_of(&dir);
    let _ = std::fs::remove_dir_all(&root);
    // As if the run began from a checkpoint of epoch 3: its epochs are 4..6.
    rec.info.start_epoch = 3;
    for e in &mut rec.epochs {
        e.epoch += 3;
    }
    for b in &mut rec.batches {
        b.0 += 3.0;
    }
    rec.planned = 6;
    assert_eq!(plots::x_span(&rec), (3.0, 6.0));
    let loss = plots::loss(&rec);
    assert_eq!(loss.x_range, Some((3.0, 6.0)));
    let svg = loss.svg().unwrap();
    for want in [
        "Loss",
        "epoch",
        "cross-entropy loss",
        "batch loss",
        "train loss (epoch)",
        "test loss",
    ] {
        assert!(has_text(&svg, want), "{want} missing from the loss SVG");
    }
    let acc = plots::accuracy(&rec, BUDGET);
    let svg = acc.svg().unwrap();
    for want in [
        "Accuracy",
        "accuracy (%)",
        "train",
        "test",
        "target 99.4%",
        "epoch limit 15 (beyond this plot)",
    ] {
        assert!(has_text(&svg, want), "{want} missing from the accuracy SVG");
    }
    // The target line is inside the y range; a budget within the plotted epochs is drawn.
    let y = acc.y_range.unwrap();
    assert!(y.0 < 99.4 && y.1 >= 99.4, "{y:?}");
    let near = Budget {
        target_test_acc: 95.0,
        max_epochs: 5,
    };
    let svg = plots::accuracy(&rec, near).svg().unwrap();
    assert!(has_text(&svg, "epoch limit 5") && has_text(&svg, "target 95%"));
    let (w, rgb) = decode(&acc.png().unwrap());
    let count = |c: chart::Rgb| rgb.chunks(3).filter(|p| *p == [c.0, c.1, c.2]).count();
    assert!(count(chart::PALETTE[0]) > 100 && count(chart::PALETTE[1]) > 100);
    assert_eq!(w, 900);
    let svg = plots::gap(&rec).svg().unwrap();
    assert!(
        has_text(&svg, "Generalisation gap (train − test accuracy)")
            && has_text(&svg, "gap (pp)")
            && has_text(&svg, "train − test")
    );
}

#[test]
fn the_markdown_embeds_the_svg_plots() {
    let md = plots_section(BUDGET);
    for want in [
        "![loss](loss.svg)",
        "![accuracy](accuracy.svg)",
        "![gap](gap.svg)",
        "`loss.png`",
        "99.4%",
    ] {
        assert!(md.contains(want), "{want} missing:\n{md}");
    }
}
