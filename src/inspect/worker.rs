//! The thread that answers the dashboard's requests one at a time, skipping to the newest
//! when several wait (a mouse stroke sends many), and ends when the dashboard hangs up.

use super::{Answer, Engine, Handle, Request};
use crate::data::Mnist;
use std::sync::Arc;

/// Start the worker; `test` is the test set when it is already in memory.
pub fn spawn(test: Option<Arc<Mnist>>) -> std::io::Result<Handle> {
    let (req_tx, req_rx) = crossbeam_channel::unbounded::<Request>();
    let (ans_tx, ans_rx) = crossbeam_channel::unbounded::<Answer>();
    std::thread::Builder::new()
        .name("convscope-inspect".into())
        .spawn(move || {
            let mut engine = Engine::new(test);
            while let Ok(first) = req_rx.recv() {
                let waiting: Vec<Request> =
                    std::iter::once(first).chain(req_rx.try_iter()).collect();
                for req in newest_drawing(waiting) {
                    let result = engine.answer(&req).map_err(|e| e.to_string());
                    if ans_tx.send(Answer { id: req.id, result }).is_err() {
                        return;
                    }
                }
            }
        })?;
    Ok(Handle {
        tx: req_tx,
        rx: ans_rx,
    })
}

/// The waiting requests worth answering, in order: every one but the drawings that a later
/// drawing replaces (a stroke sends one per mouse move; only its end matters).
pub(super) fn newest_drawing(waiting: Vec<Request>) -> Vec<Request> {
    let is_drawing = |r: &Request| matches!(r.image, super::Image::Drawing(_));
    let last = waiting.iter().rposition(is_drawing);
    waiting
        .into_iter()
        .enumerate()
        .filter(|(i, r)| !is_drawing(r) || Some(*i) == last)
        .map(|(_, r)| r)
        .collect()
}
