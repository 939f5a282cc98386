//! Saving an edited architecture as a preset: appended or overwritten with the rest of the
//! file untouched, refused (with the file unchanged) when the name is taken, the file is
//! missing or read-only.

use super::*;
use crate::config::presets::{model1, model3};
use crate::config::save::SaveError;

const FILE: &str = "# my settings\nmodel = \"model-3\" # the one I train\n\n[train]\nepochs = 2 # short\n\n[models.mine]\n# my own\ninput = [1, 28, 28]\nlayers = [{ type = \"conv\", out = 10, kernel = 28 }]\nresult = \"kept\"\n";

/// A fresh folder of this test process (one per call).
fn dir() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("convscope-preset-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn file(text: &str) -> ((), std::path::PathBuf) {
    let path = dir().join("config.toml");
    std::fs::write(&path, text).unwrap();
    ((), path)
}

fn edited() -> ModelPreset {
    let mut p = model3();
    p.layers.insert(
        2,
        LayerSpec::Conv {
            out: 10,
            kernel: 3,
            stride: 1,
            padding: 1,
            dilation: 2,
            groups: 2,
            bias: true,
        },
    );
    p.layers.insert(3, LayerSpec::Dropout { p: Some(0.1) });
    p.target = Some("wider".into());
    p
}

fn problem(e: ConfigError) -> SaveError {
    match e {
        ConfigError::Save { problem, .. } => problem,
        other => panic!("not a save error: {other}"),
    }
}

#[test]
fn a_new_preset_is_appended_one_layer_a_line_and_the_rest_of_the_file_is_kept() {
    let (_d, path) = file(FILE);
    save_preset(&path, "wide", &edited(), Mode::New).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(FILE),
        "the file before it changed:\n{text}"
    );
    assert!(text.contains("\n[models.wide]\ninput = [1, 28, 28]\nlayers = [\n  { type = \"conv\", out = 10, kernel = 3 },\n"), "{text}");
    assert!(
        text.contains("  { type = \"conv\", out = 10, kernel = 3, padding = 1, dilation = 2, groups = 2, bias = true },\n  { type = \"dropout\", p = 0.1 },\n"),
        "{text}"
    );
    assert!(text.contains("  { type = \"avgpool_global\" },\n  { type = \"conv\", out = 10, kernel = 1 },\n]\ntarget = \"wider\"\n"), "{text}");
    let c = Config::load(Some(&path), &[]).unwrap();
    assert_eq!(c.models["wide"].layers, edited().layers);
    assert_eq!(c.model, "model-3", "saving does not pick the preset");
}

#[test]
fn overwriting_replaces_the_layers_and_keeps_the_presets_other_keys() {
    let (_d, path) = file(FILE);
    let mut p = model1();
    p.target = None;
    save_preset(&path, "mine", &p, Mode::Overwrite).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("[models.mine]\n# my own\ninput = [1, 28, 28]\nlayers = [\n"),
        "{text}"
    );
    assert!(text.contains("]\nresult = \"kept\"\n"), "{text}");
    assert!(text.starts_with("# my settings\nmodel = \"model-3\" # the one I train\n"));
    let c = Config::load(Some(&path), &[]).unwrap();
    assert_eq!(c.models["mine"].layers, model1().layers);
    assert_eq!(c.models["mine"].result.as_deref(), Some("kept"));
}

#[test]
fn overwriting_a_built_in_preset_the_file_lacks_writes_it() {
    let (_d, path) = file("model = \"model-3\"\n");
    save_preset(&path, "model-3", &edited(), Mode::Overwrite).unwrap();
    let c = Config::load(Some(&path), &[]).unwrap();
    assert_eq!(c.models["model-3"].layers, edited().layers);
}

#[test]
fn a_new_name_that_is_taken_is_refused_and_nothing_is_written() {
    for taken in ["mine", "model-1"] {
        let (_d, path) = file(FILE);
        let e = save_preset(&path, taken, &edited(), Mode::New).unwrap_err();
        assert_eq!(problem(e.clone()), SaveError::Exists(taken.into()));
        assert!(e
            .to_string()
            .contains(&format!("[models.{taken}] exists already")));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), FILE);
    }
    let (_d, path) = file(FILE);
    let e = save_preset(&path, "", &edited(), Mode::New).unwrap_err();
    assert_eq!(problem(e), SaveError::Name(String::new()));
}

#[test]
fn a_missing_file_is_not_created() {
    let path = dir().join("config.toml");
    let e = save_preset(&path, "wide", &edited(), Mode::New).unwrap_err();
    assert!(matches!(problem(e.clone()), SaveError::Missing(_)), "{e}");
    assert!(e
        .to_string()
        .starts_with(&format!("{}: cannot save into it", path.display())));
    assert!(!path.exists());
}

#[test]
fn a_read_only_file_is_left_as_it_is() {
    let (_d, path) = file(FILE);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    let e = save_preset(&path, "wide", &edited(), Mode::New).unwrap_err();
    assert_eq!(problem(e.clone()), SaveError::ReadOnly);
    assert!(e
        .to_string()
        .ends_with("the file is read-only: nothing was saved"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FILE);
}

#[test]
fn layers_that_do_not_fit_are_not_written() {
    let (_d, path) = file(FILE);
    let mut p = model3();
    // Without the global pool the net ends in 10×6×6.
    p.layers.remove(22);
    let e = save_preset(&path, "broken", &p, Mode::New).unwrap_err();
    assert!(e.to_string().contains("models.broken.layers"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FILE);
}
