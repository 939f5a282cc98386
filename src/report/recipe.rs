//! The run's recipe as the report states it: optimizer, learning rate and schedule,
//! momentum or betas, regularisation, augmentation, batch size, epochs and seed, read from
//! the run's own `config.toml` (so an older or newer config still shows what it has).

use std::fmt::Write as _;

/// The `## Recipe` section, from the text of the run's effective config.
pub fn section(config_toml: &str) -> String {
    let table: toml::Table = toml::from_str(config_toml).unwrap_or_default();
    let empty = toml::Table::new();
    let train = table
        .get("train")
        .and_then(|t| t.as_table())
        .unwrap_or(&empty);
    let get = |k: &str| train.get(k).map_or_else(|| "?".to_string(), show);
    let mut md = String::from("## Recipe\n\n");
    let optimizer = get("optimizer");
    let moments = if optimizer == "sgd" {
        format!("momentum {}, nesterov {}", get("momentum"), get("nesterov"))
    } else {
        format!(
            "betas ({}, {}), eps {}",
            get("beta1"),
            get("beta2"),
            get("eps")
        )
    };
    let _ = writeln!(
        md,
        "- Optimizer: {optimizer} ({moments}), weight decay {}",
        get("weight_decay")
    );
    let _ = writeln!(md, "- Learning rate: {}, {}", get("lr"), schedule(&get));
    let _ = writeln!(
        md,
        "- Regularisation: dropout {}, label smoothing {}",
        get("dropout"),
        get("label_smoothing")
    );
    let _ = writeln!(md, "- Augmentation: {}", augmentation(&get));
    let _ = writeln!(
        md,
        "- Batch size {}, {} epochs, seed {}\n",
        get("batch_size"),
        get("epochs"),
        get("seed")
    );
    md
}

fn schedule(get: &dyn Fn(&str) -> String) -> String {
    match get("schedule").as_str() {
        "step" => format!(
            "schedule step (× {} every {} epochs)",
            get("gamma"),
            get("step_size")
        ),
        "onecycle" => format!(
            "schedule onecycle (peak at {} of the steps, div_factor {}, final_div_factor {}, cycle_momentum {})",
            get("pct_start"),
            get("div_factor"),
            get("final_div_factor"),
            get("cycle_momentum")
        ),
        "plateau" => format!(
            "schedule plateau (× {} after {} epochs without a better test loss)",
            get("plateau_factor"),
            get("plateau_patience")
        ),
        s => format!("schedule {s}"),
    }
}

fn augmentation(get: &dyn Fn(&str) -> String) -> String {
    let on = |v: &str| v != "?" && v.parse::<f64>() != Ok(0.0);
    let (rot, shift) = (get("rotate_degrees"), get("translate_px"));
    let mut parts = Vec::new();
    if on(&rot) {
        parts.push(format!("random rotation ±{rot}°"));
    }
    if on(&shift) {
        parts.push(format!("random shift ±{shift} px"));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}
