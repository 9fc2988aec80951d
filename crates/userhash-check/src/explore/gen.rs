//! Inputs for `explore`, drawn from a tape of choices.
//!
//! As in Hypothesis, every input is what the generator makes of a sequence of numbers (the
//! *tape*): a fresh input records random draws, and a shrink edits the recorded tape and runs
//! the generator again. So every shrunk input is one the generator could have made (a user_id
//! stays a user_id, a secret stays non-empty unless the tape says otherwise), and no shrinker is
//! written per type. A draw past the end of a tape is 0, the simplest choice, which is why each
//! `draw` below lists its options simplest first.
//!
//! The strategies aim at the mistake space of the diagnosis engine's stages: absence and its
//! look-alikes, integers at the widths where ports round or wrap, numeric-looking strings,
//! whitespace and control characters, every Unicode class that encodings and normalisation
//! treat differently, emails with tags and IDN domains, and messages and secrets around
//! SHA-256's 64-byte block and its padding boundary.

use serde_json::{json, Value};

/// SplitMix64 (Steele, Lea, Flood 2014): a seed must reproduce a failure exactly on every
/// platform. `rand`'s `StdRng` does not promise that (its algorithm may change between
/// releases), and this is the whole generator: 4 lines. A seed reproduces a run with the same
/// version of this tool: a version that changes a strategy, or how draws are made from these
/// bits, draws other inputs for it (as in Hypothesis and proptest). A counterexample to keep
/// is kept as the vector case its report prints.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Fresh choices, several from each 64-bit word: a choice in `0..n` is the high word of
/// `word * n`, and the low word is what is left for the next (Brackett-Rozinsky and Lemire,
/// "Batched ranged random integer generation", 2024, without its rejection step). A choice
/// takes about log2(n) of the word's bits, and a new word is drawn when fewer than
/// [`SLACK_BITS`] would be left after it, so each choice's probability is within 2^-16 of 1/n,
/// relatively: nothing a test input feels. Explored inputs are a few hundred choices each (a secret is up to 200
/// characters), and one SplitMix64 word and a division per choice were most of generation's
/// time (perf).
#[derive(Clone, Debug)]
struct Choices {
    rng: SplitMix64,
    word: u64,
    bits: u32,
}

/// The bits kept unused in a word: what bounds a choice's bias.
const SLACK_BITS: u32 = 16;

impl Choices {
    fn new(rng: SplitMix64) -> Choices {
        Choices {
            rng,
            word: 0,
            bits: 0,
        }
    }

    /// A number in `0..n`, for `n` ≥ 1. Inlined, so that a constant `n`'s bit count is too.
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        let bits = u64::BITS - (n - 1).leading_zeros();
        if self.bits < bits + SLACK_BITS {
            self.word = self.rng.next_u64();
            self.bits = u64::BITS;
        }
        let wide = u128::from(self.word) * u128::from(n);
        self.word = wide as u64; // the low word: what this choice left of the bits
        self.bits -= bits;
        (wide >> u64::BITS) as u64
    }

    /// `count` choices of [`Choices::below`]`(n)`, the same numbers, handed to `each`. The
    /// choices from one word are a chain (each multiplies what the last left), but the word
    /// left after `i` choices is `word * n^i` (mod 2^64), so a fresh word's choices are each
    /// one multiplication by a power of `n` away from it, independent of one another: a secret
    /// is up to 200 choices, and the chain's latency was most of drawing it (7 % of the
    /// checker's CPU, perf). Inlined, so a constant `n`'s powers are constants.
    #[inline]
    fn below_each(&mut self, n: u64, count: usize, mut each: impl FnMut(u64)) {
        let bits = u64::BITS - (n - 1).leading_zeros();
        // The choices a fresh word makes before fewer than `SLACK_BITS` would be left.
        // (None for `n` = 1, whose choices take no bits: one by one, as `below` makes them.)
        let per_word = (u64::BITS - SLACK_BITS).checked_div(bits).unwrap_or(0) as usize;
        let mut left = count;
        // Those the current word still makes, one by one.
        while left > 0 && (per_word == 0 || self.bits >= bits + SLACK_BITS) {
            each(self.below(n));
            left -= 1;
        }
        if per_word > 0 && per_word <= POWERS_MAX {
            let mut powers = [1u64; POWERS_MAX + 1];
            for at in 1..=per_word {
                powers[at] = powers[at - 1].wrapping_mul(n);
            }
            while left >= per_word {
                let word = self.rng.next_u64();
                for power in &powers[..per_word] {
                    let wide = u128::from(word.wrapping_mul(*power)) * u128::from(n);
                    each((wide >> u64::BITS) as u64);
                }
                self.word = word.wrapping_mul(powers[per_word]);
                self.bits = u64::BITS - per_word as u32 * bits;
                left -= per_word;
            }
        }
        for _ in 0..left {
            each(self.below(n));
        }
    }
}

/// The most choices [`Choices::below_each`] takes from a word at once (those of two values).
const POWERS_MAX: usize = 48;

/// The choices an input is made of: recorded from an RNG, or replayed (and past its end, 0).
#[derive(Clone, Debug)]
pub struct Tape {
    choices: Vec<u64>,
    position: usize,
    fresh: Option<Choices>,
    /// Whether fresh draws are kept in `choices` (a shrink needs them; exploring does not).
    recording: bool,
}

/// Tapes longer than this stop drawing (every further draw is 0): bounds an input's size.
const MAX_CHOICES: usize = 4096;

impl Tape {
    /// A tape that draws from `rng` and records.
    pub fn random(rng: SplitMix64) -> Tape {
        Tape {
            choices: Vec::new(),
            position: 0,
            fresh: Some(Choices::new(rng)),
            recording: true,
        }
    }

    /// A tape that draws from `rng` like [`Tape::random`], the same draws, without keeping
    /// them: exploring keeps a case's seed instead, and records its tape again from that seed
    /// only for the case that needs shrinking.
    pub fn unrecorded(rng: SplitMix64) -> Tape {
        Tape {
            recording: false,
            ..Tape::random(rng)
        }
    }

    /// A tape that replays `choices`.
    pub fn replay(choices: Vec<u64>) -> Tape {
        Tape {
            choices,
            position: 0,
            fresh: None,
            recording: false,
        }
    }

    /// A number in `0..n` (0 when `n` is 0). Inlined, so that a constant `n` needs no division.
    #[inline]
    pub fn draw(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let value = match (self.choices.get(self.position), &mut self.fresh) {
            (Some(&choice), _) => choice.min(n - 1),
            (None, Some(fresh)) if self.position < MAX_CHOICES => {
                let choice = fresh.below(n);
                if self.recording {
                    self.choices.push(choice);
                }
                choice
            }
            _ => 0,
        };
        self.position += 1;
        value
    }

    /// `count` draws of `draw(n)`, handed to `each` in order. On a fresh unrecorded tape (what
    /// exploring draws every case from) they come straight from the source, without `draw`'s
    /// checks per number: a secret is up to 200 characters, drawn for every explored case,
    /// and those checks were most of its instructions (callgrind). The same numbers either way.
    #[inline]
    pub fn draw_each(&mut self, n: u64, count: usize, mut each: impl FnMut(u64)) {
        // A draw of 0 options takes no choice (see `draw`): none straight from the source.
        let fresh = if n > 0 { self.straight(count) } else { None };
        match fresh {
            Some(fresh) => fresh.below_each(n, count, each),
            None => {
                for _ in 0..count {
                    each(self.draw(n));
                }
            }
        }
    }

    /// The source of the next `count` draws, taken as drawn, when they come straight from it:
    /// the tape is fresh, unrecorded and that far from its end, so `draw(n)` would be exactly
    /// `below(n)` for each (for `n` ≥ 1). The caller makes exactly `count` draws from it.
    /// Hot loops draw through it with its state in registers rather than through `draw`'s
    /// checks and stores per number (perf: a character cost two calls' worth of loads and
    /// stores, 7 % of the checker's CPU).
    #[inline]
    fn straight(&mut self, count: usize) -> Option<&mut Choices> {
        let straight = !self.recording
            && self.position >= self.choices.len()
            && self.position + count <= MAX_CHOICES;
        let fresh = self.fresh.as_mut().filter(|_| straight)?;
        self.position += count;
        Some(fresh)
    }

    /// [`Tape::straight`] for draws counted only once made (at most `max` of them): `draws`
    /// makes them from the source and says how many it made. `false`, and nothing drawn,
    /// where the tape does not allow it.
    #[inline]
    fn straight_counted(&mut self, max: usize, draws: impl FnOnce(&mut Choices) -> usize) -> bool {
        let Some(fresh) = self.straight(max) else {
            return false;
        };
        let made = draws(fresh);
        debug_assert!(made <= max, "{made} draws made of at most {max}");
        // `straight` counted all `max`: only those made were drawn.
        self.position -= max - made;
        true
    }

    /// How many choices have been drawn.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The choices used, as far as the generator read them: what a shrink edits.
    pub fn used(&self) -> Vec<u64> {
        self.choices[..self.position.min(self.choices.len())].to_vec()
    }

    fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[self.draw(options.len() as u64) as usize]
    }
}

/// One generated user: the fields of a `user_hash` request, as JSON (`None` = absent).
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// The secret.
    pub secret: String,
    /// `user_id`: absent, null, a string or an integer.
    pub user_id: Option<Value>,
    /// `email`: absent, null or a string.
    pub email: Option<Value>,
}

/// Byte lengths where HMAC-SHA-256 changes shape: the inner message's padding spills into a
/// second block past 55 bytes, a block is 64, a key is hashed past 64 bytes.
const BOUNDARY_LENGTHS: [usize; 9] = [55, 56, 63, 64, 65, 119, 120, 127, 128];

/// Whole strings that ports treat specially.
const SPECIAL_STRINGS: [&str; 22] = [
    "0",
    "007",
    "1e3",
    "+42",
    " 42",
    "42.0",
    "-0",
    "0x2A",
    "1,000",
    "9007199254740993",
    "null",
    "None",
    "undefined",
    "nil",
    "NaN",
    "true",
    "\u{e9}",
    "e\u{301}",
    "\u{fb01}",
    "\u{212b}",
    "\u{1100}\u{1161}",
    "\u{ac00}",
];

/// A class of characters: `count` code points from `base` on, or (when `list` is not empty)
/// the code points listed.
struct Class {
    base: u32,
    count: u32,
    list: &'static [u32],
}

const fn range(base: u32, count: u32) -> Class {
    Class {
        base,
        count,
        list: &[],
    }
}

const fn list(list: &'static [u32]) -> Class {
    Class {
        base: 0,
        count: list.len() as u32,
        list,
    }
}

/// The code points of ASCII `text`, so a class can be written as the characters it holds.
const fn code_points<const N: usize>(text: &[u8; N]) -> [u32; N] {
    let mut out = [0; N];
    let mut at = 0;
    while at < N {
        out[at] = text[at] as u32;
        at += 1;
    }
    out
}

/// The classes encodings, trimming and normalisation disagree on, simplest first. A table
/// rather than a `match`: which class comes next is random, and a 13-way branch on it was
/// mispredicted nearly every time (perf: a character cost about 30 cycles).
const CLASSES: [Class; 13] = [
    range(0x61, 26), // a-z
    range(0x30, 10), // 0-9
    range(0x41, 26), // A-Z
    // ASCII punctuation.
    list(&code_points(b" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")),
    // Whitespace and controls: what trims, chomps and C strings cut.
    list(&[
        0x20, 0x09, 0x0A, 0x0D, 0x00, 0x0B, 0x0C, 0x1C, 0x85, 0xA0, 0x7F,
    ]),
    // Latin-1 and cp1252 territory.
    list(&[0xE9, 0xDF, 0xF1, 0xFC, 0xC5, 0xFF, 0x20AC, 0x2019, 0x152]),
    // Combining marks: NFC/NFD.
    list(&[0x301, 0x308, 0x30A, 0x327]),
    // Right-to-left letters and bidi controls.
    list(&[0x5D0, 0x627, 0x202E, 0x200F]),
    // Invisible: zero-width, joiners, byte-order mark.
    list(&[0x200B, 0x200D, 0x200C, 0xFEFF, 0x2060]),
    // Astral: UTF-16 surrogate pairs, CESU-8.
    range(0x1_F300, 0x300),
    // Hangul syllables and jamo (each with its next two code points): NFD splits them.
    list(&[
        0xAC00, 0xAC01, 0xAC02, 0xD7A3, 0xD7A4, 0xD7A5, 0x1100, 0x1101, 0x1102, 0x1161, 0x1162,
        0x1163, 0x11A8, 0x11A9, 0x11AA,
    ]),
    range(0x4E00, 0x5000), // CJK ideographs
    // Compatibility and case-mapping oddities.
    list(&[0xFB01, 0x212B, 0x2126, 0x1E9E, 0x130]),
];

/// A character from one of [`CLASSES`]: a draw for the class, one for the character in it.
fn character(tape: &mut Tape) -> char {
    character_from(|n| tape.draw(n))
}

/// [`character`], from any source of draws.
#[inline]
fn character_from(mut draw: impl FnMut(u64) -> u64) -> char {
    let class = &CLASSES[draw(CLASSES.len() as u64) as usize];
    let index = draw(u64::from(class.count));
    let code = match class.list.get(index as usize) {
        Some(&listed) => listed,
        None => class.base + index as u32,
    };
    char::from_u32(code).unwrap_or('?')
}

/// `count` characters pushed onto `out`: two draws each, straight from the source when the
/// tape allows (the same characters either way).
fn characters(tape: &mut Tape, count: usize, out: &mut String) {
    match tape.straight(2 * count) {
        Some(fresh) => {
            for _ in 0..count {
                out.push(character_from(|n| fresh.below(n)));
            }
        }
        None => {
            for _ in 0..count {
                out.push(character(tape));
            }
        }
    }
}

/// Characters from `next` pushed onto `out` until what follows `start` is `target` bytes long
/// (a character that would pass it is pushed as `x`); how many were drawn.
#[inline]
fn fill_to(out: &mut String, start: usize, target: usize, mut next: impl FnMut() -> char) -> usize {
    let mut drawn = 0;
    while out.len() - start < target {
        let c = next();
        drawn += 1;
        if out.len() - start + c.len_utf8() <= target {
            out.push(c);
        } else {
            out.push('x');
        }
    }
    drawn
}

/// Text of `len` characters, or of exactly `bytes` UTF-8 bytes when a boundary length is drawn.
fn text(tape: &mut Tape, max_chars: u64) -> String {
    let mut out = String::new();
    text_into(tape, max_chars, &mut out);
    out
}

/// [`text`], appended to `out`: an email's tag is written into the email.
fn text_into(tape: &mut Tape, max_chars: u64, out: &mut String) {
    let start = out.len();
    match tape.draw(8) {
        // Most text is short: the first options shrink to "a".
        0..=3 => {
            let len = 1 + tape.draw(max_chars) as usize;
            out.reserve(4 * len);
            characters(tape, len, out);
        }
        4 | 5 => out.push_str(tape.pick(&SPECIAL_STRINGS)),
        6 => {
            // Exactly a boundary length in bytes: characters, then ASCII padding. A character
            // per byte at most, two draws each.
            let target = tape.pick(&BOUNDARY_LENGTHS);
            out.reserve(target);
            let straight = tape.straight_counted(2 * target, |fresh| {
                2 * fill_to(out, start, target, || character_from(|n| fresh.below(n)))
            });
            if !straight {
                fill_to(out, start, target, || character(tape));
            }
        }
        _ => {
            // Padded: whitespace around a word.
            let pad = tape.pick(&[" ", "\t", "\n", "\r\n", "\u{a0}", "\u{feff}"]);
            out.reserve(2 * pad.len() + 4 * 9);
            let len = 1 + tape.draw(8) as usize;
            characters(tape, len, out);
            match tape.draw(3) {
                0 => out.insert_str(start, pad),
                1 => out.push_str(pad),
                _ => {
                    out.insert_str(start, pad);
                    out.push_str(pad);
                }
            }
        }
    }
}

/// Any text, as identifiers are drawn.
pub fn any_text(tape: &mut Tape) -> String {
    text(tape, 16)
}

/// An integer at the widths where ports round (2^53), wrap (2^31, 2^63) or sign-convert.
fn integer(tape: &mut Tape) -> Value {
    let near = |tape: &mut Tape, base: i128| base + tape.draw(5) as i128 - 2;
    let n: i128 = match tape.draw(8) {
        0 => tape.draw(100) as i128,
        1 => -(1 + tape.draw(100) as i128),
        2 => near(tape, 1 << 31),
        3 => near(tape, 1 << 32),
        4 => near(tape, 1 << 53),
        5 => near(tape, -(1 << 53)),
        6 => near(tape, i128::from(i64::MAX) - 2),
        _ => i128::from(u64::MAX) - tape.draw(3) as i128,
    };
    if let Ok(signed) = i64::try_from(n) {
        json!(signed)
    } else if let Ok(unsigned) = u64::try_from(n) {
        json!(unsigned)
    } else {
        json!(0)
    }
}

/// Written into one string, in the order of the draws (local part, tag, domain): an email is
/// drawn for most explored users.
fn email(tape: &mut Tape) -> String {
    let mut email = String::with_capacity(96);
    let local = 1 + tape.draw(12) as usize;
    characters(tape, local, &mut email);
    if tape.draw(3) != 0 {
        email.push('+');
        text_into(tape, 6, &mut email);
    }
    email.push('@');
    email.push_str(tape.pick(&[
        "example.com",
        "EXAMPLE.com",
        "gmail.com",
        "ex\u{e4}mple.com",
        "xn--exmple-cua.com",
        "\u{4f8b}\u{3048}.jp",
        "b\u{fc}cher.de",
    ]));
    email
}

/// A secret: short, at the block boundaries, looking like hex or base64, with a newline or
/// spaces, non-ASCII; empty only when the tape says so (the reference rejects it).
pub fn secret(tape: &mut Tape) -> String {
    let alphabet = tape.draw(4);
    let len = match tape.draw(3) {
        0 => 1 + tape.draw(32) as usize,
        1 => tape.pick(&BOUNDARY_LENGTHS),
        _ => 1 + tape.draw(200) as usize,
    };
    let mut out = match alphabet {
        0 => drawn(tape, len, b"abcdefghijklmnopqrstuvwxyz0123456789-_"),
        1 => drawn(tape, len, b"0123456789abcdef"),
        2 => drawn(
            tape,
            len,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        ),
        _ => drawn(tape, len, b"abc DEF$%\\\"'"),
    };
    match tape.draw(8) {
        5 => out.push('\n'),
        6 => out.push_str("\u{e9}\u{1f511}"),
        7 if tape.draw(4) == 0 => out.clear(),
        _ => {}
    }
    out
}

/// `len` characters of an ASCII `alphabet`, one draw each. Generic over the alphabet's size, so
/// that each draw's `% N` is by a constant (a multiplication) rather than a division: a secret
/// is up to 200 characters, drawn for every explored case, and those divisions were about 8 %
/// of the checker's CPU. The same draws make the same characters.
fn drawn<const N: usize>(tape: &mut Tape, len: usize, alphabet: &[u8; N]) -> String {
    // Sized once, with room for the suffixes `secret` may add.
    let mut out = String::with_capacity(len + 8);
    tape.draw_each(N as u64, len, |index| {
        out.push(char::from(alphabet[index as usize]));
    });
    out
}

/// An identifier field: absent first (the simplest), then null, "", a value.
fn field(tape: &mut Tape, value: impl FnOnce(&mut Tape) -> Value) -> Option<Value> {
    match tape.draw(8) {
        0 => None,
        1 => Some(Value::Null),
        2 => Some(json!("")),
        _ => Some(value(tape)),
    }
}

/// A user, drawn from `tape`.
pub fn user(tape: &mut Tape) -> User {
    let secret = secret(tape);
    let user_id = field(tape, |tape| match tape.draw(3) {
        0 => integer(tape),
        _ => json!(text(tape, 24)),
    });
    let email = field(tape, |tape| json!(email(tape)));
    User {
        secret,
        user_id,
        email,
    }
}

/// How a verifier is tested on a user: which hash it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presented {
    /// The correct hash (computed once, when the probe is drawn): must be accepted.
    Correct(String),
    /// A hash it must refuse, and how it was made.
    Wrong(&'static str, String),
}

impl Presented {
    /// The hash shown to the verifier.
    pub fn hash(&self) -> &str {
        match self {
            Presented::Correct(hash) | Presented::Wrong(_, hash) => hash,
        }
    }
}

/// How a wrong hash shown to a verifier was made (what reports print).
pub const ONE_DIGIT_CHANGED: &str = "one digit changed";
/// See [`ONE_DIGIT_CHANGED`].
pub const TRUNCATED: &str = "truncated";
/// See [`ONE_DIGIT_CHANGED`].
pub const EXTENDED: &str = "extended";
/// See [`ONE_DIGIT_CHANGED`].
pub const UPPERCASE: &str = "uppercase";
/// See [`ONE_DIGIT_CHANGED`].
pub const ANOTHER_USER: &str = "another user's hash";
/// See [`ONE_DIGIT_CHANGED`]: the email's hash shown for a user who has a user_id (the 401 a
/// port gets for hashing the email).
pub const OTHER_IDENTIFIER: &str = "the hash of the user's other identifier";
/// See [`ONE_DIGIT_CHANGED`].
pub const OTHER_SECRET: &str = "the user's hash under another secret";
/// See [`ONE_DIGIT_CHANGED`].
pub const EMPTY: &str = "empty";
/// See [`ONE_DIGIT_CHANGED`].
pub const WITH_0X: &str = "with a 0x prefix";

/// Which hash other than the user's own a verifier is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Other {
    /// Another user's, under the same secret.
    User,
    /// The email's, for a user who has a user_id too.
    Identifier,
    /// The user's own, under another secret.
    Secret,
}

/// The hash a verifier is shown for a user whose correct hash is `correct` (lowercase hex, so
/// a digit is a byte: no per-probe `Vec<char>`); `other` makes the hashes of another user,
/// identifier or secret (drawing from the tape what it needs), `None` when there is none for
/// this user (an email hash needs an email), and then the verifier is shown the empty hash
/// instead.
pub fn presented(
    tape: &mut Tape,
    correct: &str,
    other: impl FnOnce(&mut Tape, Other) -> Option<String>,
) -> Presented {
    let other_hash = |tape: &mut Tape, how: &'static str, which: Other| match other(tape, which) {
        Some(hash) if hash != correct => Presented::Wrong(how, hash),
        _ => Presented::Wrong(EMPTY, String::new()),
    };
    match tape.draw(11) {
        0 | 1 => Presented::Correct(correct.to_owned()),
        2 => {
            let at = tape.draw(correct.len() as u64) as usize;
            let mut changed = correct.as_bytes().to_vec();
            let Some(digit) = changed.get_mut(at) else {
                return Presented::Wrong(EMPTY, String::new()); // never: a hash has digits
            };
            // The digits other than the one there, in order, and one of them drawn.
            let was = *digit;
            let others = || HEX_DIGITS.iter().copied().filter(move |c| *c != was);
            let pick = tape.draw(others().count() as u64) as usize;
            *digit = others().nth(pick).unwrap_or(b'0');
            Presented::Wrong(
                ONE_DIGIT_CHANGED,
                String::from_utf8(changed).unwrap_or_default(),
            )
        }
        3 => {
            // At least one digit: the empty hash is its own probe below.
            let keep = 1 + tape.draw(correct.len().saturating_sub(1) as u64) as usize;
            Presented::Wrong(TRUNCATED, correct.get(..keep).unwrap_or(correct).to_owned())
        }
        4 => {
            let extra = tape.pick(&["0", "00", " ", "\n", "a"]);
            Presented::Wrong(EXTENDED, format!("{correct}{extra}"))
        }
        5 => Presented::Wrong(UPPERCASE, correct.to_ascii_uppercase()),
        6 => other_hash(tape, ANOTHER_USER, Other::User),
        7 => other_hash(tape, OTHER_IDENTIFIER, Other::Identifier),
        8 => other_hash(tape, OTHER_SECRET, Other::Secret),
        9 => Presented::Wrong(EMPTY, String::new()),
        _ => Presented::Wrong(WITH_0X, format!("0x{correct}")),
    }
}

/// A hash's digits, in the order a changed digit is drawn from.
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_reproduces_its_inputs_and_a_replayed_tape_its_input() {
        let users = |seed| {
            let mut rng = SplitMix64::new(seed);
            (0..200)
                .map(|_| {
                    let mut tape = Tape::random(SplitMix64::new(rng.next_u64()));
                    let user = user(&mut tape);
                    assert_eq!(user, super::user(&mut Tape::replay(tape.used())));
                    user
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(users(7), users(7));
        assert_ne!(users(7), users(8));
    }

    #[test]
    fn choices_drawn_together_are_those_drawn_one_by_one() {
        let mut seeds = SplitMix64::new(3);
        for n in [1, 2, 3, 12, 16, 38, 64, 1000, 1 << 40, u64::MAX] {
            for (before, count) in [(0, 0), (0, 1), (0, 7), (1, 8), (3, 40), (5, 200)] {
                let seed = seeds.next_u64();
                let (mut together, mut one_by_one) = (
                    Choices::new(SplitMix64::new(seed)),
                    Choices::new(SplitMix64::new(seed)),
                );
                let (mut drawn, mut expected) = (Vec::new(), Vec::new());
                for _ in 0..before {
                    drawn.push(together.below(7));
                    expected.push(one_by_one.below(7));
                }
                together.below_each(n, count, |choice| drawn.push(choice));
                for _ in 0..count {
                    expected.push(one_by_one.below(n));
                }
                // And what each leaves for the next choice.
                drawn.push(together.below(5));
                expected.push(one_by_one.below(5));
                assert_eq!(drawn, expected, "n {n}, {before} before, {count} together");
            }
        }
    }

    /// Drawing together takes the choices drawing one by one takes, no more: a draw of no
    /// options takes none.
    #[test]
    fn draws_together_move_the_tape_as_draws_one_by_one() {
        for n in [0, 1, 38] {
            let (mut together, mut one_by_one) = (
                Tape::unrecorded(SplitMix64::new(5)),
                Tape::random(SplitMix64::new(5)),
            );
            let mut drawn = Vec::new();
            together.draw_each(n, 9, |choice| drawn.push(choice));
            let expected: Vec<u64> = (0..9).map(|_| one_by_one.draw(n)).collect();
            assert_eq!(drawn, expected, "n {n}");
            assert_eq!(together.position(), one_by_one.position(), "n {n}");
            assert_eq!(together.draw(1000), one_by_one.draw(1000), "n {n}");
        }
    }

    #[test]
    fn an_unrecorded_tape_draws_what_a_recorded_one_does() {
        let mut rng = SplitMix64::new(9);
        for _ in 0..500 {
            let seed = rng.next_u64();
            assert_eq!(
                user(&mut Tape::random(SplitMix64::new(seed))),
                user(&mut Tape::unrecorded(SplitMix64::new(seed)))
            );
        }
    }

    #[test]
    fn the_empty_tape_is_the_simplest_input() {
        let simplest = user(&mut Tape::replay(Vec::new()));
        assert_eq!(simplest.secret, "a");
        assert_eq!((simplest.user_id, simplest.email), (None, None));
    }

    #[test]
    fn the_strategies_reach_their_targets() {
        let mut rng = SplitMix64::new(1);
        let (mut boundary, mut astral, mut big, mut empty_secret, mut padded) = (0, 0, 0, 0, 0);
        for _ in 0..5000 {
            let user = user(&mut Tape::random(SplitMix64::new(rng.next_u64())));
            if let Some(Value::String(id)) = &user.user_id {
                boundary += usize::from(BOUNDARY_LENGTHS.contains(&id.len()));
                astral += usize::from(id.chars().any(|c| u32::from(c) > 0xFFFF));
                padded += usize::from(id.trim() != id);
            }
            big += usize::from(
                user.user_id
                    .as_ref()
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n > 1 << 53),
            );
            empty_secret += usize::from(user.secret.is_empty());
        }
        for (what, count) in [
            ("boundary", boundary),
            ("astral", astral),
            ("big", big),
            ("empty secret", empty_secret),
            ("padded", padded),
        ] {
            assert!(count > 10, "{what}: {count}");
        }
    }
}
