//! What a sweep tries: keys with lists of values (the grid, or the choices of a random draw)
//! or ranges (random draws only), crossed with seeds. Parsed from `--sweep KEY=VALUES` or a
//! TOML file, then expanded into each trial's overrides, in a fixed order.

use super::SweepError;
use crate::config::quote;
use crate::rng::Rng;

/// The most trials one sweep may have (a typo such as `--seeds 100000` is refused).
pub const MAX_TRIALS: usize = 10_000;

/// The seed key every trial sets when seeds are asked for.
pub const SEED_KEY: &str = "train.seed";

/// How a range is drawn from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Uniform between the bounds (`0..0.1`).
    Linear,
    /// Uniform in the logarithm (`log:0.01..0.3`).
    Log,
    /// A uniform integer, both bounds included (`int:8..16`).
    Int,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Values as `--set` takes them: the grid's points, or a random draw's choices.
    List(Vec<String>),
    Range {
        scale: Scale,
        lo: f64,
        hi: f64,
    },
}

/// One swept key and what the user typed for it (for errors).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub key: String,
    pub values: Values,
    pub typed: String,
}

/// A whole sweep: its axes, the seeds, and whether points are drawn at random.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spec {
    pub axes: Vec<Axis>,
    /// Empty: every trial keeps the base config's seed.
    pub seeds: Vec<u64>,
    /// `Some(n)`: n random points instead of the grid.
    pub random: Option<usize>,
    pub sweep_seed: u64,
}

/// One trial's overrides, `(key, value)` in the order the axes were given, the seed last.
pub type Point = Vec<(String, String)>;

/// `KEY=VALUES` as given to `--sweep` (`origin` names it in errors: `--sweep 'train.lr='`).
pub fn parse_axis(typed: &str, origin: &str) -> Result<Axis, SweepError> {
    let bad = |why: String| SweepError::Spec(format!("{origin} '{}': {why}", quote(typed)));
    let Some((key, spec)) = typed.split_once('=') else {
        return Err(bad("not KEY=VALUES (e.g. train.lr=0.05,0.1)".into()));
    };
    let key = key.trim();
    if key.is_empty() || key.split('.').any(str::is_empty) || !key.contains('.') {
        return Err(bad(format!(
            "'{}' is not a dotted key like train.lr",
            quote(key)
        )));
    }
    let values = parse_values(spec.trim()).map_err(|why| bad(format!("{key}: {why}")))?;
    Ok(Axis {
        key: key.to_string(),
        values,
        typed: format!("{origin} '{}'", quote(typed)),
    })
}

/// A range (`log:a..b`, `int:a..b`, `a..b`) or a comma-separated list of values.
pub fn parse_values(spec: &str) -> Result<Values, String> {
    if spec.is_empty() {
        return Err("empty list of values".into());
    }
    if let Some(range) = parse_range(spec) {
        return range;
    }
    let items = split_list(spec);
    if let Some(i) = items.iter().position(|v| v.is_empty()) {
        return Err(format!("value {} of '{}' is empty", i + 1, quote(spec)));
    }
    Ok(Values::List(items))
}

/// `None` when `spec` is not written as a range at all.
fn parse_range(spec: &str) -> Option<Result<Values, String>> {
    let (scale, body) = if let Some(b) = spec.strip_prefix("log:") {
        (Scale::Log, b)
    } else if let Some(b) = spec.strip_prefix("int:") {
        (Scale::Int, b)
    } else {
        (Scale::Linear, spec)
    };
    let (a, b) = body.split_once("..")?;
    let (lo, hi) = match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(lo), Ok(hi)) if lo.is_finite() && hi.is_finite() => (lo, hi),
        _ if scale == Scale::Linear => return None,
        _ => {
            return Some(Err(format!(
                "'{}' is not a range MIN..MAX of numbers",
                quote(spec)
            )))
        }
    };
    Some(check_range(spec, scale, lo, hi))
}

fn check_range(spec: &str, scale: Scale, lo: f64, hi: f64) -> Result<Values, String> {
    let spec = quote(spec);
    if lo > hi {
        return Err(format!("'{spec}': min {lo} > max {hi}"));
    }
    if scale == Scale::Log && lo <= 0.0 {
        return Err(format!("'{spec}': a log range needs min > 0"));
    }
    if scale == Scale::Int && (lo.fract() != 0.0 || hi.fract() != 0.0) {
        return Err(format!("'{spec}': an int range needs whole numbers"));
    }
    Ok(Values::Range { scale, lo, hi })
}

/// Split at commas outside brackets and quotes (`[1, 28, 28],[1, 14, 14]` is two values).
fn split_list(spec: &str) -> Vec<String> {
    let (mut items, mut cur, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, None);
    for c in spec.chars() {
        match (c, quoted) {
            ('"' | '\'', None) => quoted = Some(c),
            (q, Some(open)) if q == open => quoted = None,
            ('[' | '{', None) => depth += 1,
            (']' | '}', None) => depth -= 1,
            (',', None) if depth == 0 => {
                items.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    items.push(cur.trim().to_string());
    items
}

impl Spec {
    /// Refuse what cannot make a sweep: no axes and no seeds, a key given twice, a range in
    /// a grid, seeds together with a swept `train.seed`, zero counts, too many trials.
    pub fn check(&self) -> Result<(), SweepError> {
        let err = |m: String| Err(SweepError::Spec(m));
        if self.axes.is_empty() && self.seeds.len() < 2 && self.random.is_none() {
            return err("nothing to sweep: give --sweep KEY=VALUES, --seeds N (N >= 2), --seed-list or --sweep-file".into());
        }
        for (i, a) in self.axes.iter().enumerate() {
            if self.axes[..i].iter().any(|b| b.key == a.key) {
                return err(format!("{}: {} is swept twice", a.typed, a.key));
            }
            if a.key == SEED_KEY && !self.seeds.is_empty() {
                return err(format!(
                    "{}: {SEED_KEY} is swept and seeds are given too; use one of them",
                    a.typed
                ));
            }
            if self.random.is_none() && matches!(a.values, Values::Range { .. }) {
                return err(format!("{}: a range needs --random N (a grid takes a list of values, e.g. {}=0.05,0.1)", a.typed, a.key));
            }
        }
        if let Some(d) = self
            .seeds
            .iter()
            .enumerate()
            .find(|(i, s)| self.seeds[..*i].contains(s))
        {
            return err(format!("seed {} is given twice", d.1));
        }
        if self.random == Some(0) {
            return err("--random 0: must be >= 1".into());
        }
        let n = self.count();
        if n > MAX_TRIALS as u128 {
            return err(format!("the sweep has {n} trials, more than {MAX_TRIALS}"));
        }
        Ok(())
    }

    /// How many trials the sweep has (checked against [`MAX_TRIALS`] before expanding).
    pub fn count(&self) -> u128 {
        let points = match self.random {
            Some(n) => n as u128,
            None => self
                .axes
                .iter()
                .map(|a| match &a.values {
                    Values::List(v) => v.len() as u128,
                    Values::Range { .. } => 1,
                })
                .product(),
        };
        points * self.seeds.len().max(1) as u128
    }

    /// The keys that vary between trials, in order (the seed last).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.axes.iter().map(|a| a.key.clone()).collect();
        if !self.seeds.is_empty() {
            keys.push(SEED_KEY.to_string());
        }
        keys
    }

    /// Every trial's overrides: the grid (first axis slowest) or the random draws, each
    /// crossed with the seeds (seeds fastest). Call [`Spec::check`] first.
    pub fn points(&self) -> Vec<Point> {
        let base = match self.random {
            Some(n) => self.draws(n),
            None => self.grid(),
        };
        if self.seeds.is_empty() {
            return base;
        }
        let mut out = Vec::with_capacity(base.len() * self.seeds.len());
        for p in &base {
            for s in &self.seeds {
                let mut q = p.clone();
                q.push((SEED_KEY.to_string(), s.to_string()));
                out.push(q);
            }
        }
        out
    }

    fn grid(&self) -> Vec<Point> {
        let mut points: Vec<Point> = vec![Vec::new()];
        for a in &self.axes {
            let Values::List(values) = &a.values else {
                continue;
            };
            points = points
                .iter()
                .flat_map(|p| {
                    values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.push((a.key.clone(), v.clone()));
                        q
                    })
                })
                .collect();
        }
        points
    }

    fn draws(&self, n: usize) -> Vec<Point> {
        let mut rng = Rng::derive(self.sweep_seed, "sweep");
        (0..n)
            .map(|_| {
                self.axes
                    .iter()
                    .map(|a| (a.key.clone(), draw(&a.values, &mut rng)))
                    .collect()
            })
            .collect()
    }
}

/// One value drawn from `values`: floats rounded to 4 significant digits (readable in folder
/// names, and exactly what the trial's config gets).
pub fn draw(values: &Values, rng: &mut Rng) -> String {
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    match *values {
        Values::List(ref v) => v[rng.below(v.len())].clone(),
        Values::Range {
            scale: Scale::Int,
            lo,
            hi,
        } => {
            let span = (hi - lo) as usize + 1;
            (lo as i64 + rng.below(span) as i64).to_string()
        }
        Values::Range {
            scale: Scale::Linear,
            lo,
            hi,
        } => float(lo + (hi - lo) * u),
        Values::Range {
            scale: Scale::Log,
            lo,
            hi,
        } => float((lo.ln() + (hi.ln() - lo.ln()) * u).exp()),
    }
}

/// `x` to 4 significant digits, always written as a float (`0.0123`, `2.0`).
fn float(x: f64) -> String {
    let r: f64 = format!("{x:.3e}").parse().unwrap_or(x);
    let s = r.to_string();
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}
