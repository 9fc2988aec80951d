//! User-hash speed: our fast path against the SHA-256 floor and the usual Rust peers.
//!
//! Every per-hash benchmark cycles through the same 1,000,000 distinct 23-byte ids
//! (`user-000000000000000042`), built once per process, with one 32-byte key. `cargo xtask bench`
//! runs this and renders `docs/PERFORMANCE.md` from criterion's estimates; the group and function
//! names below are what it reads (`target/criterion/<group>/<function>/new/estimates.json`).
//!
//! Groups:
//! - `user_hash`: ns per hash (floor, ours, peers);
//! - `hex`: encoding one 32-byte tag, to choose the hex approach;
//! - `bulk`: the signer over all 1M ids, one core and all cores (hashes per second).

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use hmac::{Hmac, Mac};
use rayon::prelude::*;
use sha2::digest::generic_array::GenericArray;
use sha2::Sha256;
use userhash::{Identity, Signer, UserHash, UserId, USER_HASH_LEN};

const ID_COUNT: usize = 1_000_000;
/// 32 bytes, as a freshly generated secret would be.
const SECRET: &str = "k3y-0123456789abcdef0123456789ab";
/// Distinct tags for the hex group (2 MiB: the tag stream stays in cache, as in the hash loop).
const TAG_COUNT: usize = 1 << 16;

type HmacSha256 = Hmac<Sha256>;

fn ids() -> &'static [String] {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| (0..ID_COUNT).map(|i| format!("user-{i:018}")).collect())
}

/// The correct hash of every id, concatenated (64 bytes each), for the verify benchmark.
fn expected_hashes() -> &'static str {
    static HASHES: OnceLock<String> = OnceLock::new();
    HASHES.get_or_init(|| {
        let signer = Signer::new(SECRET).expect("non-empty secret");
        let mut all = String::with_capacity(ID_COUNT * USER_HASH_LEN);
        for id in ids() {
            all.push_str(&signer.sign_message(id.as_bytes()));
        }
        all
    })
}

/// Every id with its correct hash: what a verifier is handed, an id and a presented hash.
///
/// All per-hash benchmarks cycle through these pairs, so each row pays the same to fetch its
/// input (one fat pointer pair per iteration) and only `ours_verify` reads the hash. Earlier the
/// verify row alone computed its hash's offset and sliced it out of the 64 MB string (with
/// bounds and char-boundary checks) inside the timed loop: bookkeeping no verifier does.
fn cases() -> &'static [(&'static str, &'static str)] {
    static CASES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    CASES.get_or_init(|| {
        let hashes = expected_hashes();
        ids()
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let hash = &hashes[i * USER_HASH_LEN..(i + 1) * USER_HASH_LEN];
                (id.as_str(), hash)
            })
            .collect()
    })
}

fn tags() -> &'static [[u8; 32]] {
    static TAGS: OnceLock<Vec<[u8; 32]>> = OnceLock::new();
    TAGS.get_or_init(|| {
        let key = userhash::hmac::PreKeyed::new(SECRET.as_bytes());
        (0..TAG_COUNT)
            .map(|i| key.tag(format!("user-{i:018}").as_bytes()))
            .collect()
    })
}

/// Cycles through `items`, one per call: the index bookkeeping is the same for every benchmark.
struct Cycle<'a, T> {
    items: &'a [T],
    next: usize,
}

impl<'a, T> Cycle<'a, T> {
    fn new(items: &'a [T]) -> Self {
        Cycle { items, next: 0 }
    }

    fn next_item(&mut self) -> &'a T {
        let index = self.next;
        self.next = if index + 1 == self.items.len() {
            0
        } else {
            index + 1
        };
        &self.items[index]
    }
}

/// Marks a result as used without copying it: `std::hint::black_box(&value)` is a compiler
/// barrier only. Returning the value from the closure instead would go through criterion 0.5's
/// `black_box`, a volatile read that copies a 64-byte hash byte by byte (~8 ns here, as much as
/// the hex encoding being measured).
#[inline(always)]
fn keep<T>(value: T) {
    black_box(&value);
}

fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    sha2::compress256(
        state,
        core::slice::from_ref(GenericArray::from_slice(block)),
    );
}

/// The floor: exactly two SHA-256 compressions of one block each, with the data flow of an HMAC
/// (the id goes into the first block, the first state into the second) and nothing else: no
/// padding bookkeeping, no tag serialisation, no hex.
fn floor(inner: &[u32; 8], outer: &[u32; 8], message: &[u8]) -> [u32; 8] {
    let mut block = [0u8; 64];
    block[..message.len()].copy_from_slice(message);
    let mut state = *inner;
    compress(&mut state, &block);
    let mut second = [0u8; 64];
    for (chunk, word) in second.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    let mut state = *outer;
    compress(&mut state, &second);
    state
}

fn per_hash(c: &mut Criterion) {
    let cases = cases();
    let signer = Signer::new(SECRET).expect("non-empty secret");
    let mut group = c.benchmark_group("user_hash");
    group.throughput(Throughput::Elements(1));

    group.bench_function("floor_2x_compress256", |b| {
        let (inner, outer) = ([0x6a09_e667u32; 8], [0xbb67_ae85u32; 8]);
        let mut cycle = Cycle::new(cases);
        b.iter(|| {
            keep(floor(
                &inner,
                &outer,
                black_box(cycle.next_item().0.as_bytes()),
            ))
        })
    });

    group.bench_function("ours_one_shot", |b| {
        let mut cycle = Cycle::new(cases);
        b.iter(|| {
            let id = black_box(cycle.next_item().0);
            keep(userhash::user_hash(
                black_box(SECRET),
                Some(UserId::Text(id)),
                None,
            ))
        })
    });

    group.bench_function("ours_signer_stack", |b| {
        let mut cycle = Cycle::new(cases);
        b.iter(|| keep(signer.sign_message(black_box(cycle.next_item().0.as_bytes()))))
    });

    group.bench_function("ours_signer_string", |b| {
        let mut cycle = Cycle::new(cases);
        b.iter(|| {
            keep(String::from(
                signer.sign_message(black_box(cycle.next_item().0.as_bytes())),
            ))
        })
    });

    group.bench_function("ours_verify", |b| {
        let mut cycle = Cycle::new(cases);
        b.iter(|| {
            let &(id, observed) = cycle.next_item();
            let identity = Identity::select(Some(UserId::Text(black_box(id))), None);
            assert!(signer.verify(&identity, black_box(observed)));
        })
    });

    // What a straightforward port writes: key the HMAC for every message, `hex::encode`.
    group.bench_function("hmac_new_per_message_hex", |b| {
        let mut cycle = Cycle::new(cases);
        b.iter(|| {
            let mut mac =
                HmacSha256::new_from_slice(black_box(SECRET.as_bytes())).expect("any key");
            mac.update(black_box(cycle.next_item().0.as_bytes()));
            keep(hex::encode(mac.finalize().into_bytes()))
        })
    });

    // The best one can do with the `hmac` crate: keyed once, cloned per message, SIMD hex into
    // a stack buffer.
    group.bench_function("hmac_prekeyed_const_hex", |b| {
        let keyed = HmacSha256::new_from_slice(SECRET.as_bytes()).expect("any key");
        let mut cycle = Cycle::new(cases);
        b.iter(|| {
            let mut mac = keyed.clone();
            mac.update(black_box(cycle.next_item().0.as_bytes()));
            let tag: [u8; 32] = mac.finalize().into_bytes().into();
            let mut hex = const_hex::Buffer::<32>::new();
            hex.format(&tag);
            keep(hex)
        })
    });

    // `ring` keeps the pad states in its `Key`; SIMD hex into a stack buffer.
    group.bench_function("ring_prekeyed_const_hex", |b| {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
        let mut cycle = Cycle::new(cases);
        b.iter(|| {
            let tag = ring::hmac::sign(&key, black_box(cycle.next_item().0.as_bytes()));
            let tag: &[u8; 32] = tag.as_ref().try_into().expect("32-byte tag");
            let mut hex = const_hex::Buffer::<32>::new();
            hex.format(tag);
            keep(hex)
        })
    });

    group.finish();
}

/// Candidate: two 16-entry lookups per byte (what most hand-written encoders do).
fn hex_nibbles(tag: &[u8; 32]) -> [u8; USER_HASH_LEN] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; USER_HASH_LEN];
    for (pair, byte) in out.chunks_exact_mut(2).zip(tag) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
    }
    out
}

/// Candidate: branch-free arithmetic on eight bytes at a time (SWAR, no table, no `unsafe`).
fn hex_swar(tag: &[u8; 32]) -> [u8; USER_HASH_LEN] {
    let mut out = [0u8; USER_HASH_LEN];
    for (dst, src) in out.chunks_exact_mut(8).zip(tag.chunks_exact(4)) {
        // Spread four bytes into eight nibbles, high nibble first, one per byte lane.
        let word = u32::from_be_bytes([src[0], src[1], src[2], src[3]]) as u64;
        let spread = ((word & 0xffff_0000) << 16) | (word & 0xffff);
        let spread = ((spread & 0x0000_ff00_0000_ff00) << 8) | (spread & 0x0000_00ff_0000_00ff);
        let nibbles = ((spread & 0x00f0_00f0_00f0_00f0) << 4) | (spread & 0x000f_000f_000f_000f);
        // nibbles >= 10 need 'a' - '0' - 10 = 39 more.
        let letters = ((nibbles + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
        let ascii = nibbles + 0x3030_3030_3030_3030 + letters * 39;
        dst.copy_from_slice(&ascii.to_be_bytes());
    }
    out
}

/// Candidate: per-nibble arithmetic written so LLVM vectorizes it (no table, no `unsafe`).
fn hex_arith(tag: &[u8; 32]) -> [u8; USER_HASH_LEN] {
    fn digit(nibble: u8) -> u8 {
        // 0..=9 -> '0'..='9'; 10..=15 -> 'a'..='f' ('a' - '0' - 10 = 39).
        nibble + b'0' + ((nibble + 6) >> 4) * 39
    }
    let mut out = [0u8; USER_HASH_LEN];
    for (pair, byte) in out.chunks_exact_mut(2).zip(tag) {
        pair[0] = digit(byte >> 4);
        pair[1] = digit(byte & 0xf);
    }
    out
}

fn hex_only(c: &mut Criterion) {
    let tags = tags();
    for tag in &tags[..64] {
        let expected = hex::encode(tag);
        assert_eq!(hex_swar(tag), expected.as_bytes(), "hex_swar");
        assert_eq!(hex_nibbles(tag), expected.as_bytes(), "hex_nibbles");
        assert_eq!(hex_arith(tag), expected.as_bytes(), "hex_arith");
        assert_eq!(&*UserHash::from_tag(tag), expected.as_str(), "ours");
    }
    let mut group = c.benchmark_group("hex");
    group.throughput(Throughput::Elements(1));
    group.bench_function("ours_from_tag", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| keep(UserHash::from_tag(black_box(cycle.next_item()))))
    });
    group.bench_function("pair_table", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| keep(hex_pairs(black_box(cycle.next_item()))))
    });
    group.bench_function("nibble_table", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| keep(hex_nibbles(black_box(cycle.next_item()))))
    });
    group.bench_function("swar", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| keep(hex_swar(black_box(cycle.next_item()))))
    });
    group.bench_function("arith", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| keep(hex_arith(black_box(cycle.next_item()))))
    });
    group.bench_function("baseline_copy", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| keep(*black_box(cycle.next_item())))
    });
    group.bench_function("const_hex_encode_to_slice", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| {
            let mut out = [0u8; USER_HASH_LEN];
            const_hex::encode_to_slice(black_box(cycle.next_item()), &mut out).expect("fits");
            keep(out)
        })
    });
    group.bench_function("hex_encode_to_slice", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| {
            let mut out = [0u8; USER_HASH_LEN];
            hex::encode_to_slice(black_box(cycle.next_item()), &mut out).expect("fits");
            keep(out)
        })
    });
    group.bench_function("hex_encode", |b| {
        let mut cycle = Cycle::new(tags);
        b.iter(|| keep(hex::encode(black_box(cycle.next_item()))))
    });
    group.finish();
}

/// Candidate: one 256-entry table of digit pairs (what `UserHash::from_tag` used originally).
fn hex_pairs(tag: &[u8; 32]) -> [u8; USER_HASH_LEN] {
    const PAIRS: [[u8; 2]; 256] = {
        let digits = b"0123456789abcdef";
        let mut pairs = [[0u8; 2]; 256];
        let mut byte = 0;
        while byte < 256 {
            pairs[byte] = [digits[byte >> 4], digits[byte & 0xf]];
            byte += 1;
        }
        pairs
    };
    let mut out = [0u8; USER_HASH_LEN];
    for (pair, byte) in out.chunks_exact_mut(2).zip(tag) {
        pair.copy_from_slice(&PAIRS[usize::from(*byte)]);
    }
    out
}

fn bulk(c: &mut Criterion) {
    let ids = ids();
    let signer = Signer::new(SECRET).expect("non-empty secret");
    let mut group = c.benchmark_group("bulk");
    group
        .throughput(Throughput::Elements(ids.len() as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    group.bench_function("signer_1_core", |b| {
        b.iter(|| {
            for id in ids {
                keep(signer.sign_message(black_box(id.as_bytes())));
            }
        })
    });
    group.bench_function("signer_all_cores", |b| {
        b.iter(|| {
            ids.par_iter().for_each(|id| {
                keep(signer.sign_message(black_box(id.as_bytes())));
            })
        })
    });
    group.finish();
}

/// A typical Messenger token's claims, as an app would type them for `jsonwebtoken`.
#[derive(serde::Serialize, serde::Deserialize)]
struct TypicalClaims {
    user_id: String,
    email: String,
    exp: u64,
}

/// Far enough ahead that `jsonwebtoken`, which reads the system clock, never sees it expire.
const JWT_EXP: u64 = 4_000_000_000;
const JWT_NOW: i64 = 1_800_000_000;
const JWT_COUNT: usize = 1024;

/// Sign and verify a typical 3-claim token (`user_id`, `email`, `exp`), ours against the
/// `jsonwebtoken` crate in the same run; both cycle through the same 1,024 users.
fn jwt(c: &mut Criterion) {
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use userhash::jwt::{JwtSigner, JwtVerifier};

    let users: Vec<TypicalClaims> = ids()[..JWT_COUNT]
        .iter()
        .map(|id| TypicalClaims {
            user_id: id.clone(),
            email: format!("{id}@example.com"),
            exp: JWT_EXP,
        })
        .collect();
    let maps: Vec<serde_json::Map<String, serde_json::Value>> = users
        .iter()
        .map(|claims| match serde_json::to_value(claims) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => unreachable!("a struct serializes to an object"),
        })
        .collect();
    let signer = JwtSigner::new(SECRET).expect("non-empty secret");
    let verifier = JwtVerifier::new(SECRET).expect("non-empty secret");
    let tokens: Vec<String> = maps
        .iter()
        .map(|claims| signer.sign(claims).expect("signs"))
        .collect();
    let their_key = EncodingKey::from_secret(SECRET.as_bytes());
    let their_decoding_key = DecodingKey::from_secret(SECRET.as_bytes());
    let their_header = Header::new(Algorithm::HS256);
    let mut their_validation = Validation::new(Algorithm::HS256);
    their_validation.required_spec_claims.clear();

    let mut group = c.benchmark_group("jwt");
    group.throughput(Throughput::Elements(1));
    group.bench_function("ours_sign", |b| {
        let mut cycle = Cycle::new(&maps);
        b.iter(|| keep(signer.sign(black_box(cycle.next_item()))))
    });
    group.bench_function("jsonwebtoken_sign", |b| {
        let mut cycle = Cycle::new(&users);
        b.iter(|| {
            keep(jsonwebtoken::encode(
                &their_header,
                black_box(cycle.next_item()),
                &their_key,
            ))
        })
    });
    group.bench_function("ours_verify", |b| {
        let mut cycle = Cycle::new(&tokens);
        b.iter(|| keep(verifier.verify(black_box(cycle.next_item()), JWT_NOW)))
    });
    group.bench_function("ours_verify_then_claims", |b| {
        let mut cycle = Cycle::new(&tokens);
        b.iter(|| {
            keep(
                verifier
                    .verify(black_box(cycle.next_item()), JWT_NOW)
                    .map(|verified| verified.claims()),
            )
        })
    });
    group.bench_function("jsonwebtoken_verify", |b| {
        let mut cycle = Cycle::new(&tokens);
        b.iter(|| {
            keep(jsonwebtoken::decode::<TypicalClaims>(
                black_box(cycle.next_item()),
                &their_decoding_key,
                &their_validation,
            ))
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = per_hash, hex_only, bulk, jwt
}
criterion_main!(benches);
