//! What a test pass saw beyond its accuracy, as plain data shared by the trainer, the
//! metrics file, the dashboard and the report: the confusion matrix and the most confident
//! mistakes with their pixels (base64 in JSON, so a `test_detail` line stays ~35 KB).

use serde::{Deserialize, Serialize};

/// The test pass of one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestDetail {
    pub epoch: usize,
    /// `matrix[true][predicted]`: how many test images of class `true` were predicted as
    /// `predicted`.
    pub matrix: Vec<Vec<u32>>,
    /// The most confident wrong predictions, most confident first.
    pub mistakes: Vec<Mistake>,
}

/// One misclassified test image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mistake {
    /// Index into the test set.
    pub index: usize,
    pub label: u8,
    pub predicted: u8,
    /// The predicted class's probability, in [0, 1].
    pub confidence: f32,
    pub rows: usize,
    pub cols: usize,
    /// `rows * cols` grey levels, row after row (0 black, 255 white).
    #[serde(with = "b64")]
    pub pixels: Vec<u8>,
}

impl TestDetail {
    /// Number of classes (rows of the matrix).
    pub fn classes(&self) -> usize {
        self.matrix.len()
    }

    /// Test images of class `c`.
    pub fn row_total(&self, c: usize) -> u32 {
        self.matrix[c].iter().sum()
    }

    /// Fraction of class `c` predicted right, or `None` without images of it.
    pub fn class_accuracy(&self, c: usize) -> Option<f64> {
        let total = self.row_total(c);
        (total > 0).then(|| f64::from(self.matrix[c][c]) / f64::from(total))
    }

    /// The most frequent confusion `(true, predicted, count)`, if any image was wrong.
    pub fn worst_confusion(&self) -> Option<(usize, usize, u32)> {
        let n = self.classes();
        (0..n)
            .flat_map(|t| (0..n).map(move |p| (t, p)))
            .filter(|(t, p)| t != p)
            .map(|(t, p)| (t, p, self.matrix[t][p]))
            .filter(|c| c.2 > 0)
            .max_by_key(|c| (c.2, std::cmp::Reverse((c.0, c.1))))
    }
}

/// Pixels as one base64 string instead of a JSON array of numbers (a third of the size).
mod b64 {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
