//! Reading the files a user names (vector files, known-failures lists) with a size cap: a
//! wrong path (`/dev/zero`, a disk image) is refused with an error instead of filling memory.

use std::io::Read;
use std::path::Path;

/// Vector files: the published ones are about 100 KiB; a private suite may be larger.
pub const MAX_VECTOR_FILE: u64 = 16 * 1024 * 1024;
/// A known-failures list: one id per line.
pub const MAX_KNOWN_FAILURES_FILE: u64 = 1024 * 1024;

/// Reads the UTF-8 text of `path`, refusing files over `max` bytes. Errors say what and how
/// big, never the contents.
pub fn read_text(path: &Path, max: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| {
            // Sized once: to a regular file's length, or to the cap for a stream (only what is
            // read is touched). Grown by doubling, a stream read to the cap left every smaller
            // buffer with the allocator, which keeps freed memory for reuse: 70 MB of peak
            // memory for `/dev/zero` as a 16 MiB vector file.
            let length = file.metadata().ok().filter(std::fs::Metadata::is_file);
            let size = length.map_or(max, |metadata| metadata.len().min(max));
            bytes.reserve_exact(usize::try_from(size + 1).unwrap_or(0));
            // One byte past the cap tells "too big" from "exactly at the cap".
            file.take(max + 1).read_to_end(&mut bytes)
        })
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "it is larger than {} MiB, the most this file can be; is it the right file?",
            max / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not UTF-8 (invalid bytes at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_encoding() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, "abc").expect("write");
        assert_eq!(read_text(&path, 3).expect("at the cap"), "abc");
        assert!(read_text(&path, 2)
            .expect_err("over")
            .contains("larger than"));
        std::fs::write(&path, b"ab\xff").expect("write");
        assert!(read_text(&path, 10)
            .expect_err("bytes")
            .contains("offset 2"));
        assert!(read_text(&dir.path().join("missing"), 10)
            .expect_err("missing")
            .starts_with("cannot read it"));
        if Path::new("/dev/zero").exists() {
            assert!(read_text(Path::new("/dev/zero"), 1024).is_err());
        }
    }
}
