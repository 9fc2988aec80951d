//! `hmac_sha256.json`: RFC 4231's HMAC-SHA-256 test cases, for ports with their own HMAC.

use super::to_hex;
use crate::format::{HmacCase, HmacExpected, HmacInput, Verdict};

struct Rfc4231 {
    number: u32,
    key: Vec<u8>,
    data: Vec<u8>,
    tag_bits: u32,
    what: &'static str,
}

fn rfc4231() -> Vec<Rfc4231> {
    let key_25: Vec<u8> = (0x01..=0x19).collect();
    vec![
        Rfc4231 { number: 1, key: vec![0x0b; 20], data: b"Hi There".to_vec(), tag_bits: 256, what: "a 20-byte key" },
        Rfc4231 {
            number: 2,
            key: b"Jefe".to_vec(),
            data: b"what do ya want for nothing?".to_vec(),
            tag_bits: 256,
            what: "a key shorter than the output",
        },
        Rfc4231 { number: 3, key: vec![0xaa; 20], data: vec![0xdd; 50], tag_bits: 256, what: "key and data of non-text bytes" },
        Rfc4231 { number: 4, key: key_25, data: vec![0xcd; 50], tag_bits: 256, what: "a 25-byte key" },
        Rfc4231 {
            number: 5,
            key: vec![0x0c; 20],
            data: b"Test With Truncation".to_vec(),
            tag_bits: 128,
            what: "output truncated to 128 bits",
        },
        Rfc4231 {
            number: 6,
            key: vec![0xaa; 131],
            data: b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            tag_bits: 256,
            what: "a key larger than the block, hashed first",
        },
        Rfc4231 {
            number: 7,
            key: vec![0xaa; 131],
            data: b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            tag_bits: 256,
            what: "key and data both larger than the block",
        },
    ]
}

/// All HMAC cases, in file order.
pub fn cases() -> Vec<HmacCase> {
    rfc4231()
        .into_iter()
        .map(|case| {
            let tag = userhash::hmac::hmac_sha256(&case.key, &case.data);
            let tag_bytes = (case.tag_bits / 8) as usize;
            let mut flags = vec!["Rfc4231".to_owned()];
            if case.tag_bits < 256 {
                flags.push("Truncation".to_owned());
            }
            HmacCase {
                id: format!("rfc4231-case-{}", case.number),
                description: format!("RFC 4231 test case {}: {}.", case.number, case.what),
                flags,
                result: Verdict::Valid,
                input: HmacInput {
                    key_hex: to_hex(&case.key),
                    message_hex: to_hex(&case.data),
                    tag_bits: case.tag_bits,
                },
                expected: HmacExpected {
                    tag_hex: to_hex(&tag[..tag_bytes]),
                },
            }
        })
        .collect()
}
