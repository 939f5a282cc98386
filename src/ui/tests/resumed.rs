//! A resumed run's dashboard: the epochs before the resume, carried by `Started`, are on the
//! charts as if the run had never stopped.

use super::*;
use crate::events::EpochStats;

/// `mid_run`'s run, resumed after its epoch 2: one `Started` with `start_epoch` 2 and epochs
/// 1-2, then half of epoch 3.
fn resumed_mid_run() -> App {
    let prior: Vec<EpochStats> = fixture::script(2, false)
        .into_iter()
        .filter_map(|(_, e)| match e {
            TrainEvent::Epoch(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(prior.len(), 2);
    let mut info = fixture::info(fixture::ACCS.len());
    info.start_epoch = 2;
    info.prior_epochs = prior;
    let mut app = app_after(&[(
        Duration::from_millis(500),
        TrainEvent::Started(Box::new(info)),
    )]);
    feed_half_epoch(&mut app, 3);
    app
}

fn render(app: &App, w: u16, h: u16, panel: Render) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    panel(app, area, &mut buf);
    buf
}

#[test]
fn resumed_run_draws_the_earlier_epochs_on_the_charts() {
    let resumed = resumed_mid_run();
    let fresh = mid_run();
    assert_eq!(resumed.run.epochs, fresh.run.epochs);
    assert_eq!(resumed.first_epoch(), 1);
    let (r, f) = (loss::series(&resumed), loss::series(&fresh));
    assert_eq!((r.train.len(), r.test.len()), (2, 2));
    assert_eq!((r.train, r.test), (f.train, f.test));
    // Curves, gap bars and verdicts: the same panel as the uninterrupted run's.
    assert_eq!(
        render(&resumed, 80, 20, accuracy::render),
        render(&fresh, 80, 20, accuracy::render)
    );
    let log: Vec<&str> = resumed
        .session
        .log
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert!(
        log.iter()
            .any(|m| m.starts_with("resumed after epoch 2 of 4")),
        "{log:?}"
    );
}

#[test]
fn snapshot_resumed_mid_run_120x40() {
    insta::assert_snapshot!(screen(&mut resumed_mid_run(), 120, 40));
}
