//! The word-valued settings (`train.optimizer`, `train.schedule`, `ui.marker`) as enums, so
//! that every place acting on one matches exhaustively and a new choice is a compile error
//! until handled. They read and write the same lower-case words `config.toml` always held.

use super::quote::quote;
use std::fmt;
use std::str::FromStr;

/// A word that is none of a setting's choices; says which ones there are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{}' must be one of: {}", quote(value), allowed.join(", "))]
pub struct UnknownChoice {
    pub value: String,
    pub allowed: &'static [&'static str],
}

/// One enum per setting, from its list of `Variant = "word"`: the enum, `ALL` and `WORDS`
/// in the listed order, `word()`, and `FromStr`/`Display`/serde as the word.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every choice, in the order the docs and the editor list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The words `config.toml` and `--set` spell the choices with.
            pub const WORDS: &'static [&'static str] = &[$($word,)+];

            /// The word for this choice.
            pub const fn word(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownChoice;
            fn from_str(s: &str) -> Result<Self, UnknownChoice> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err(UnknownChoice {
                        value: s.to_string(),
                        allowed: Self::WORDS,
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.word())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

choice! {
    /// `train.optimizer`.
    pub enum OptimizerKind {
        /// SGD with `momentum` (and `nesterov`).
        Sgd = "sgd",
        /// Adam with L2 weight decay through the gradient.
        Adam = "adam",
        /// Adam with decoupled weight decay.
        AdamW = "adamw",
    }
}

choice! {
    /// `train.schedule`: how the lr moves over a run.
    pub enum ScheduleKind {
        /// `train.lr` throughout.
        Constant = "constant",
        /// × `gamma` every `step_size` epochs.
        Step = "step",
        /// PyTorch's OneCycleLR, stepped per batch.
        OneCycle = "onecycle",
        /// ReduceLROnPlateau on the test loss.
        Plateau = "plateau",
    }
}

choice! {
    /// `ui.marker`: how the dashboard draws chart points.
    pub enum MarkerKind {
        /// Needs a font with the braille block.
        Braille = "braille",
        /// For fonts without braille.
        Dot = "dot",
        Block = "block",
    }
}

choice! {
    /// A kind of layer `budget.require` can ask for (the layer types of `[models]`, with
    /// `gap` for `avgpool_global`).
    pub enum LayerKind {
        Conv = "conv",
        Batchnorm = "batchnorm",
        Dropout = "dropout",
        Relu = "relu",
        Maxpool = "maxpool",
        Avgpool = "avgpool",
        /// Global average pooling (`avgpool_global`).
        Gap = "gap",
    }
}
