//! The common reply shapes read straight from their bytes, when they are written plainly: no
//! escape in a key or a string, a `seq` of digits only. That is nearly every reply a port
//! sends, and through `serde_json` (a visitor, a token at a time) reading one was about a
//! thousand instructions, the most of any step of receiving it (callgrind, explore against the
//! C port). Anything else gives `None`, and `serde_json` reads the line as before: this reader
//! only ever agrees with it (a proptest holds it to that), or declines.

use super::{Common, Field};

/// The line as a common reply, if it is one written plainly.
pub(super) fn read(text: &str) -> Option<Common> {
    let mut reader = Reader { text, at: 0 };
    reader.token(b'{')?;
    let (mut seq, mut field, mut seq_first) = (None, None, false);
    for entry in 0..2 {
        if entry == 1 {
            reader.token(b',')?;
        }
        let key = reader.string()?;
        reader.token(b':')?;
        match key.as_bytes() {
            b"seq" if seq.is_none() => {
                seq = Some(reader.unsigned()?);
                seq_first = field.is_none();
            }
            _ if field.is_some() => return None,
            b"user_hash" => {
                let hash = if reader.literal(b"null") {
                    None
                } else {
                    Some(reader.string()?.to_owned())
                };
                field = Some(Field::UserHash(hash));
            }
            b"valid" => {
                let valid = if reader.literal(b"true") {
                    true
                } else if reader.literal(b"false") {
                    false
                } else {
                    return None;
                };
                field = Some(Field::Valid(valid));
            }
            b"jwt" => field = Some(Field::Jwt(reader.string()?.to_owned())),
            b"error" => field = Some(Field::Error(reader.string()?.to_owned())),
            b"skipped" => field = Some(Field::Skipped(reader.string()?.to_owned())),
            _ => return None,
        }
    }
    reader.token(b'}')?;
    reader.whitespace();
    (reader.at == text.len()).then_some(Common {
        seq: seq?,
        field: field?,
        seq_first,
    })
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// JSON's whitespace: space, tab, newline, carriage return.
    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// `byte`, after any whitespace.
    fn token(&mut self, byte: u8) -> Option<()> {
        self.whitespace();
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    /// Whether `word` (`null`, `true`, `false`) comes next, after any whitespace; the reader
    /// moves past it if so.
    fn literal(&mut self, word: &[u8]) -> bool {
        self.whitespace();
        let there = self.text.as_bytes().get(self.at..self.at + word.len()) == Some(word);
        if there {
            self.at += word.len();
        }
        there
    }

    /// A string without escapes or control characters, after any whitespace.
    fn string(&mut self) -> Option<&'a str> {
        self.token(b'"')?;
        let bytes = self.text.as_bytes();
        let end = crate::explore::escapes::first(bytes, self.at)?;
        // The first byte to escape must be the closing quote: a backslash or a control
        // character is for serde_json to read (or refuse).
        if bytes[end] != b'"' {
            return None;
        }
        // Both ends are ASCII quotes, so on character boundaries.
        let text = self.text.get(self.at..end)?;
        self.at = end + 1;
        Some(text)
    }

    /// An unsigned integer as JSON writes it (no sign, no leading zero, no fraction or
    /// exponent) that fits 64 bits, after any whitespace.
    fn unsigned(&mut self) -> Option<u64> {
        self.whitespace();
        let start = self.at;
        let mut number: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            number = number
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
            self.at += 1;
        }
        let digits = self.at - start;
        let leading_zero = digits > 1 && self.text.as_bytes()[start] == b'0';
        let fraction_or_exponent = matches!(self.peek(), Some(b'.' | b'e' | b'E'));
        (digits > 0 && !leading_zero && !fraction_or_exponent).then_some(number)
    }
}
