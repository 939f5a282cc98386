use super::*;

pub fn detail() -> TestDetail {
    TestDetail {
        epoch: 2,
        matrix: vec![vec![5, 1, 0], vec![0, 4, 0], vec![3, 0, 0]],
        mistakes: vec![Mistake {
            index: 7,
            label: 2,
            predicted: 0,
            confidence: 0.9,
            rows: 2,
            cols: 2,
            pixels: vec![0, 255, 128, 7],
        }],
    }
}

#[test]
fn pixels_travel_as_base64_and_come_back() {
    let d = detail();
    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains(r#""pixels":"AP+ABw==""#), "{json}");
    assert_eq!(serde_json::from_str::<TestDetail>(&json).unwrap(), d);
    let bad = json.replace("AP+ABw==", "not base64!");
    assert!(serde_json::from_str::<TestDetail>(&bad).is_err());
}

#[test]
fn per_class_accuracy_and_the_worst_confusion() {
    let d = detail();
    assert_eq!(d.class_accuracy(0), Some(5.0 / 6.0));
    assert_eq!(d.class_accuracy(2), Some(0.0));
    assert_eq!(d.worst_confusion(), Some((2, 0, 3)));
    let empty = TestDetail {
        matrix: vec![vec![0; 2]; 2],
        ..d
    };
    assert_eq!(empty.class_accuracy(1), None);
    assert_eq!(empty.worst_confusion(), None);
}
