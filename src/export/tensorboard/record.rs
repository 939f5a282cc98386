//! TFRecord framing, as TensorBoard reads event files: each record is its length (u64,
//! little-endian), the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of
//! the data.

/// TFRecord's CRC mask: rotate right by 15 bits and add a constant, so a CRC of data that
/// itself holds CRCs stays well distributed.
pub fn masked_crc(bytes: &[u8]) -> u32 {
    let crc = crc32c::crc32c(bytes);
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

/// Append one record holding `data` to `out`.
pub fn push(out: &mut Vec<u8>, data: &[u8]) {
    let len = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&len);
    out.extend_from_slice(&masked_crc(&len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc(data).to_le_bytes());
}

/// A file that is not a sequence of whole, intact records.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    #[error("record {index} at byte {offset}: truncated")]
    Truncated { index: usize, offset: usize },
    #[error("record {index} at byte {offset}: the {what} CRC does not match")]
    Crc {
        index: usize,
        offset: usize,
        what: &'static str,
    },
}

/// Split `bytes` into its records' data, checking both CRCs of each.
pub fn records(bytes: &[u8]) -> Result<Vec<&[u8]>, RecordError> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let index = out.len();
        let truncated = RecordError::Truncated { index, offset: at };
        let head = bytes.get(at..at + 12).ok_or(truncated.clone())?;
        let crc_err = |what| RecordError::Crc {
            index,
            offset: at,
            what,
        };
        if u32::from_le_bytes(head[8..12].try_into().expect("4 bytes")) != masked_crc(&head[..8]) {
            return Err(crc_err("length"));
        }
        let len = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
        let len = usize::try_from(len).map_err(|_| truncated.clone())?;
        let end = (at + 12).checked_add(len).ok_or(truncated.clone())?;
        let data = bytes.get(at + 12..end).ok_or(truncated.clone())?;
        let crc = bytes.get(end..end + 4).ok_or(truncated)?;
        if u32::from_le_bytes(crc.try_into().expect("4 bytes")) != masked_crc(data) {
            return Err(crc_err("data"));
        }
        out.push(data);
        at = end + 4;
    }
    Ok(out)
}
