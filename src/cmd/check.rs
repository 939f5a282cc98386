//! `convscope check [--config FILE] [RUN]`: the budget's rules as a CI step. Without RUN,
//! the static rules of the config's preset (no data, no training); with RUN, those of the
//! architecture and epochs the run trained and its accuracy rule. One line per rule; exit 0
//! when all pass, 1 when one fails, 2 on bad input.

use super::{Error, Exit};
use crate::budget::{self, Check, Outcome, Plan, RunBudget};
use crate::cli::CheckArgs;
use crate::config::{ConfigError, Invalid, Override};
use std::path::Path;

pub fn run(args: &CheckArgs) -> Result<Exit, Error> {
    let sets = Override::sets(&args.config.sets);
    let text = match &args.run {
        None => preset(args, &sets)?,
        Some(typed) => {
            let dir = super::runs::resolve(&args.runs_dir(), typed, "check")?;
            of_run(args, &sets, &dir)?
        }
    };
    super::print(&text.0)?;
    Ok(if text.1 { Exit::Done } else { Exit::Failed })
}

/// The lines for the config's preset, and whether every rule passed. A preset whose
/// shapes do not fit fails the shapes rule (exit 1) rather than being bad input.
fn preset(args: &CheckArgs, sets: &[Override]) -> Result<(String, bool), Error> {
    let config = match super::load_config(&args.config, sets) {
        Ok(c) => c,
        Err(Error::Usage(msg)) if misfit(&args.config, sets) => {
            let lines = format!(
                "✗ shapes do not fit: {msg}\n  params, RF, layers and epochs not checked: the architecture does not load\n"
            );
            return Ok((lines, false));
        }
        Err(e) => return Err(e),
    };
    let checks = budget::static_rules(
        &config.budget,
        &Plan::of(config.preset(), config.train.epochs),
    );
    let head = format!(
        "budget of {} ({}):\n",
        crate::fmt::clean(&config.model),
        origin(&args.config)
    );
    let pass = checks.iter().all(|c| c.pass);
    let tail = if pass {
        "all rules pass\n".to_string()
    } else {
        format!(
            "{} rule(s) failed\n",
            checks.iter().filter(|c| !c.pass).count()
        )
    };
    Ok((format!("{head}{}{tail}", lines(&checks)), pass))
}

/// The lines for the run in `dir`: its trained architecture and epochs, and its accuracy.
fn of_run(args: &CheckArgs, sets: &[Override], dir: &Path) -> Result<(String, bool), Error> {
    let limits = match &args.config.config {
        Some(_) => Some(super::load_config(&args.config, sets)?.budget),
        None if !sets.is_empty() => Some(super::load_config(&args.config, sets)?.budget),
        None => None,
    };
    let shown = crate::fmt::clean(&dir.display().to_string());
    let text = std::fs::read_to_string(dir.join("config.toml"))
        .map_err(|e| Error::usage(format!("check: {shown}/config.toml: {e}")))?;
    let run: RunBudget = budget::of_config_toml_under(&text, limits.as_ref())
        .map_err(|e| Error::usage(format!("check: {shown}: {e}")))?;
    let epochs =
        crate::history::epochs(dir).map_err(|e| Error::usage(format!("check: {shown}: {e}")))?;
    let accs: Vec<(usize, f64)> = epochs.iter().map(|e| (e.epoch, e.test_acc())).collect();
    let outcome = Outcome::of(&run, &accs);
    let mut out = format!("budget of run {shown}:\n{}", lines(&outcome.checks));
    if crate::lock::is_held(dir).is_some() {
        out.push_str(&format!(
            "  (still running: judged on its {} epoch(s) so far)\n",
            accs.len()
        ));
    }
    out.push_str(&format!("{}\n", outcome.verdict));
    Ok((out, outcome.pass))
}

fn lines(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| format!("{}\n", crate::fmt::clean(&c.line())))
        .collect()
}

/// Where the config came from, as `load_config` picks it.
fn origin(args: &crate::cli::ConfigArgs) -> String {
    match &args.config {
        Some(p) => crate::fmt::clean(&p.display().to_string()),
        None if Path::new("config.toml").is_file() => "config.toml".into(),
        None => "built-in defaults".into(),
    }
}

/// Did the config fail to load because an architecture does not fit (the shapes rule)?
fn misfit(args: &crate::cli::ConfigArgs, sets: &[Override]) -> bool {
    let path = args.config.clone().or_else(|| {
        let p = std::path::PathBuf::from("config.toml");
        p.is_file().then_some(p)
    });
    match crate::config::Config::load_with(path.as_deref(), sets) {
        Err(ConfigError::Value { problem, .. } | ConfigError::SetValue { problem, .. }) => {
            matches!(
                *problem,
                Invalid::Shape { .. } | Invalid::Padding { .. } | Invalid::Classes { .. }
            )
        }
        _ => false,
    }
}
