//! The safetensors format built in memory. `candle_core::safetensors::save` writes through
//! its own `tempfile` (mode 0600, a hidden `.tmpXXXXXX` a kill leaves behind); building the
//! bytes here lets the run folder's atomic write create the file like every other one
//! (mode from the umask, 0644 usually) and clean it up on an immediate exit.

use candle_core::{DType, Tensor};
use std::collections::{BTreeMap, HashMap};

#[derive(serde::Serialize)]
struct Entry {
    dtype: &'static str,
    shape: Vec<usize>,
    data_offsets: [usize; 2],
}

fn le<T: candle_core::WithDType, const N: usize>(
    t: &Tensor,
    f: fn(T) -> [u8; N],
) -> candle_core::Result<Vec<u8>> {
    Ok(t.to_vec1::<T>()?.into_iter().flat_map(f).collect())
}

/// The little-endian bytes of `t` and its safetensors dtype name.
fn raw(t: &Tensor) -> candle_core::Result<(&'static str, Vec<u8>)> {
    let t = t.flatten_all()?;
    Ok(match t.dtype() {
        DType::U8 => ("U8", t.to_vec1::<u8>()?),
        DType::U32 => ("U32", le(&t, u32::to_le_bytes)?),
        DType::I64 => ("I64", le(&t, i64::to_le_bytes)?),
        DType::F32 => ("F32", le(&t, f32::to_le_bytes)?),
        DType::F64 => ("F64", le(&t, f64::to_le_bytes)?),
        other => {
            let msg = format!("cannot save a {other:?} tensor");
            return Err(candle_core::Error::Msg(msg));
        }
    })
}

/// `tensors` as one safetensors file: an 8-byte header length, the JSON header (padded with
/// spaces to a multiple of 8, as the reference writer does), then the data in name order.
pub fn serialize(tensors: &HashMap<String, Tensor>) -> candle_core::Result<Vec<u8>> {
    let sorted: BTreeMap<&String, &Tensor> = tensors.iter().collect();
    let mut header = BTreeMap::new();
    let mut data = Vec::new();
    for (name, t) in sorted {
        let (dtype, bytes) = raw(t)?;
        let start = data.len();
        data.extend_from_slice(&bytes);
        let entry = Entry {
            dtype,
            shape: t.dims().to_vec(),
            data_offsets: [start, data.len()],
        };
        header.insert(name.as_str(), entry);
    }
    let mut json =
        serde_json::to_vec(&header).map_err(|e| candle_core::Error::Msg(e.to_string()))?;
    json.resize(json.len().div_ceil(8) * 8, b' ');
    let mut out = Vec::with_capacity(8 + json.len() + data.len());
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&data);
    Ok(out)
}

#[cfg(test)]
mod tests;
