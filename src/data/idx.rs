//! Reads one IDX file (MNIST's format), gzip or raw, and checks its header against the bytes
//! that are really there. Memory is only ever sized by bytes that have arrived or by what the
//! file could possibly hold — never by the header's claim alone.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use flate2::read::GzDecoder;

use super::error::{io_problem, Claim, DataError, IdxKind, Problem};

/// Most items (images or labels) a file may claim. MNIST has 70,000; EMNIST 814,255.
pub const MAX_ITEMS: u64 = 10_000_000;
/// Largest image side accepted.
pub const MAX_SIDE: u64 = 4096;
/// For gzip, the first allocation is at most this many times the compressed size (MNIST
/// compresses 2-5x); the buffer then grows only as decompressed bytes arrive.
const GZ_START_RATIO: u64 = 8;
/// First allocation when the size of the input is unknown (a pipe).
const UNKNOWN_LEN_START: u64 = 1 << 20;

/// An IDX images file: `count` images of `rows` x `cols` unsigned bytes, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Images {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

/// Reads an images file (`...-images-idx3-ubyte[.gz]`).
pub fn read_images(path: &Path) -> Result<Images, DataError> {
    let (claim, pixels) = read_file(path, IdxKind::Images)?;
    Ok(Images {
        count: claim.count as usize,
        rows: claim.rows as usize,
        cols: claim.cols as usize,
        pixels,
    })
}

/// Reads a labels file (`...-labels-idx1-ubyte[.gz]`).
pub fn read_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    read_file(path, IdxKind::Labels).map(|(_, labels)| labels)
}

fn read_file(path: &Path, kind: IdxKind) -> Result<(Claim, Vec<u8>), DataError> {
    let fail = |p| DataError::file(path, p);
    let meta = std::fs::metadata(path).map_err(|e| fail(io_problem(e)))?;
    if meta.is_dir() {
        return Err(fail(Problem::IsDirectory));
    }
    let file = File::open(path).map_err(|e| fail(io_problem(e)))?;
    // A FIFO or device reports length 0: treat its length as unknown.
    let len = meta.is_file().then_some(meta.len());
    read_from(path, kind, file, len)
}

/// Parses IDX bytes from `input`, which holds `len` bytes if known. `path` names the source
/// in messages and decides, by a `.gz` suffix, whether the bytes must be gzip. Bytes without
/// `.gz` that are gzip anyway are decompressed too.
pub fn read_from<R: Read>(
    path: &Path,
    kind: IdxKind,
    mut input: R,
    len: Option<u64>,
) -> Result<(Claim, Vec<u8>), DataError> {
    let fail = |p| DataError::file(path, p);
    let named_gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));

    // Sniff the first two bytes to tell gzip from raw IDX.
    let mut sniff = [0u8; 4];
    let got = read_full(&mut input, &mut sniff).map_err(|e| fail(io_problem(e)))?;
    let sniffed = &sniff[..got];
    let is_gzip = sniffed.len() >= 2 && sniffed[0] == 0x1f && sniffed[1] == 0x8b;
    if named_gz && !is_gzip {
        let first = if sniffed.is_empty() {
            "the file is empty".to_string()
        } else {
            let hex: Vec<String> = sniffed.iter().map(|b| format!("{b:02x}")).collect();
            format!("it starts with {}", hex.join(" "))
        };
        let hint = if got == 4 && u32::from_be_bytes(sniff) == kind.magic() {
            "; it looks like raw IDX: drop the .gz from its name"
        } else {
            ""
        };
        return Err(fail(Problem::NotGzip { first, hint }));
    }
    let replay = io::Cursor::new(sniff).take(got as u64).chain(input);
    if is_gzip {
        let hint = len.map(|n| n.saturating_mul(GZ_START_RATIO));
        let mut gz = Decompressed {
            inner: GzDecoder::new(replay),
            out: 0,
        };
        let r = parse(kind, &mut gz, hint, true);
        r.map_err(|e| match e {
            Failure::Io(err) => fail(Problem::Gzip {
                after: gz.out,
                detail: gzip_detail(&err),
            }),
            Failure::Bad(p) => fail(p),
        })
    } else {
        let mut raw = replay;
        parse(kind, &mut raw, len, false).map_err(|e| match e {
            Failure::Io(err) => fail(io_problem(err)),
            Failure::Bad(p) => fail(p),
        })
    }
}

fn gzip_detail(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        "the gzip stream ends early (file truncated?)".into()
    } else {
        e.to_string()
    }
}

/// Counts decompressed bytes so a gzip error can say where it happened.
struct Decompressed<R> {
    inner: R,
    out: u64,
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        Ok(n)
    }
}

enum Failure {
    /// Reading failed (an I/O error, or a broken gzip stream).
    Io(io::Error),
    /// The bytes were read but are wrong.
    Bad(Problem),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn read_full<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Parses header and body. For raw input, `size` is the exact number of bytes it holds; for
/// decompressed input it is only a hint for the first allocation.
fn parse<R: Read>(
    kind: IdxKind,
    input: &mut R,
    size: Option<u64>,
    decompressed: bool,
) -> Result<(Claim, Vec<u8>), Failure> {
    let claim = read_header(kind, input, decompressed)?;
    let body_size = size.map(|b| b.saturating_sub(kind.header_len() as u64));
    // Raw file of known size: the header can be checked before reading anything.
    if !decompressed {
        if let Some(body) = body_size {
            check_body_size(&claim, body)?;
        }
    }
    let data = read_body(input, &claim, body_size, decompressed)?;
    Ok((claim, data))
}

/// Reads the header and checks what it claims: the magic number first, then the item count
/// and the image size against the loader's limits.
fn read_header<R: Read>(
    kind: IdxKind,
    input: &mut R,
    decompressed: bool,
) -> Result<Claim, Failure> {
    let need = kind.header_len();
    let mut header = [0u8; 16];
    let have = read_full(input, &mut header[..need])?;
    let word =
        |i: usize| u32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    // A wrong magic number is the more useful message even when the header is also short.
    if have >= 4 && word(0) != kind.magic() {
        return Err(Failure::Bad(Problem::BadMagic {
            kind,
            found: word(0),
        }));
    }
    if have < need {
        return Err(Failure::Bad(Problem::ShortHeader {
            kind,
            have: have as u64,
            need: need as u64,
            decompressed,
        }));
    }
    let count = word(4) as u64;
    let (rows, cols) = match kind {
        IdxKind::Images => (word(8) as u64, word(12) as u64),
        IdxKind::Labels => (1, 1),
    };
    if count == 0 {
        return Err(Failure::Bad(Problem::Empty { kind, count }));
    }
    if count > MAX_ITEMS {
        return Err(Failure::Bad(Problem::TooMany {
            kind,
            count,
            max: MAX_ITEMS,
        }));
    }
    if rows == 0 || cols == 0 || rows > MAX_SIDE || cols > MAX_SIDE {
        return Err(Failure::Bad(Problem::BadSize {
            rows,
            cols,
            max: MAX_SIDE,
        }));
    }
    Ok(Claim {
        kind,
        count,
        rows,
        cols,
    })
}

/// A raw file's body must hold exactly the claimed bytes.
fn check_body_size(claim: &Claim, body: u64) -> Result<(), Failure> {
    // At most 10M * 4096 * 4096 < 2^64: no overflow.
    let want = claim.bytes();
    if body < want {
        return Err(Failure::Bad(Problem::Truncated {
            claim: claim.clone(),
            have: body,
            decompressed: false,
        }));
    }
    if body > want {
        return Err(Failure::Bad(Problem::Trailing {
            claim: claim.clone(),
            extra: body - want,
            more: false,
            decompressed: false,
        }));
    }
    Ok(())
}

/// Reads the claimed bytes, then checks that nothing follows them.
fn read_body<R: Read>(
    input: &mut R,
    claim: &Claim,
    body_size: Option<u64>,
    decompressed: bool,
) -> Result<Vec<u8>, Failure> {
    let want = claim.bytes();
    // Allocate no more than the input can hold; grow only as bytes actually arrive.
    let start = want.min(body_size.unwrap_or(UNKNOWN_LEN_START));
    let mut data = Vec::with_capacity(start as usize);
    Read::take(&mut *input, want).read_to_end(&mut data)?;
    let have = data.len() as u64;
    if have < want {
        return Err(Failure::Bad(Problem::Truncated {
            claim: claim.clone(),
            have,
            decompressed,
        }));
    }
    // Anything after the claimed data is an error too; count it without storing it.
    const COUNT_LIMIT: u64 = 1 << 30;
    let extra = io::copy(
        &mut Read::take(&mut *input, COUNT_LIMIT + 1),
        &mut io::sink(),
    )?;
    if extra > 0 {
        return Err(Failure::Bad(Problem::Trailing {
            claim: claim.clone(),
            extra: extra.min(COUNT_LIMIT),
            more: extra > COUNT_LIMIT,
            decompressed,
        }));
    }
    Ok(data)
}

#[cfg(test)]
mod tests;
