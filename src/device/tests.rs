//! Parsing every spelling of `train.device` and opening what this build can open.

use super::*;

#[test]
fn parses_every_spelling_and_writes_it_back() {
    for (word, spec) in [
        ("cpu", DeviceSpec::Cpu),
        ("cuda", DeviceSpec::Cuda(None)),
        ("cuda:1", DeviceSpec::Cuda(Some(1))),
        ("auto", DeviceSpec::Auto),
    ] {
        assert_eq!(word.parse::<DeviceSpec>(), Ok(spec));
        assert_eq!(spec.to_string(), word);
    }
    assert_eq!(DeviceSpec::Cuda(None).cuda_index(), Some(0));
    for bad in ["gpu", "cuda:x", "cuda:", "CPU", "cuda:-1"] {
        let e = bad.parse::<DeviceSpec>().unwrap_err().to_string();
        assert_eq!(
            e,
            format!("'{bad}' must be one of: cpu, cuda, cuda:N, auto")
        );
    }
}

#[test]
fn auto_falls_back_to_cpu_and_says_so() {
    let (d, label) = open(DeviceSpec::Auto).unwrap();
    if d.is_cpu() {
        assert!(label.starts_with("cpu (auto: "), "{label}");
    }
}

#[cfg(not(feature = "cuda"))]
#[test]
fn cuda_without_the_feature_is_a_clear_error() {
    let e = open(DeviceSpec::Cuda(None)).unwrap_err();
    assert_eq!(e, DeviceError::NotBuilt);
    assert!(e.to_string().contains("built without CUDA"), "{e}");
}
