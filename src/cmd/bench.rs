//! `convscope bench`: time training steps and evaluation batches of the configured model on
//! real MNIST with the fast kernels (and, with `--compare-stock`, candle's stock ops), and
//! print the table.

use super::{Error, Exit};
use crate::cli::BenchArgs;
use crate::model::kernels::stock::Stock;
use std::sync::Arc;

pub fn run(args: &BenchArgs) -> Result<Exit, Error> {
    let config = super::load_config(&args.config, &args.overrides())?;
    let data = super::load_data(args.data_dir.as_deref(), &config)?;
    if args.steps == 0 || args.eval_batches == 0 {
        return Err(Error::usage(
            "bench: --steps and --eval-batches must be >= 1",
        ));
    }
    crate::data::check_batch_size(config.train.batch_size, data.train.len(), false)
        .map_err(Error::usage)?;
    let (device, device_label) = crate::device::open(config.train.device).map_err(Error::usage)?;
    super::print(&format!(
        "bench: device {device_label}, preset {}, batch {}, {} steps, {} eval batches of {}, {} threads\n",
        config.model,
        config.train.batch_size,
        args.steps,
        args.eval_batches,
        config.data.eval_batch_size,
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "?".into())
    ))?;
    let mut kernels = vec![super::kernels_for(&config)];
    if args.compare_stock {
        kernels.push(Arc::new(Stock));
    }
    let mut results = Vec::new();
    for k in kernels {
        let r = crate::bench::run(&config, &data, k, &device, args.steps, args.eval_batches)
            .map_err(|e| Error::Failed(format!("bench failed: {e}")))?;
        results.push(r);
        if results.len() == 1 {
            if let Some(mb) = crate::bench::peak_rss_mb() {
                let line = format!(
                    "peak RSS after {} kernels: {mb:.0} MB\n",
                    results[0].kernels
                );
                super::print(&line)?;
            }
        }
    }
    super::print(&crate::bench::table(&results))?;
    Ok(Exit::Done)
}
