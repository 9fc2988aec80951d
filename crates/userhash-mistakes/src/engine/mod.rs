//! The diagnosis engine: a port as a pipeline of stages, each with the reference behaviour and
//! its known deviations, searched for the pipelines that reproduce what a port answered.
//!
//! A user hash is computed in seven stages (see [`Stage`]): select the identifier, render it as
//! text, transform the text, encode it to bytes, turn the secret into a key, compute the MAC,
//! and render the tag. Each stage module under `stages/` lists its deviations: a catalogue name
//! ([`Mistake`]), a variant, and the function that replaces the stage. A *pipeline* is the
//! reference with at most [`MAX_DEVIATIONS`] deviations; [`explain`] searches every such
//! pipeline for those whose answer on an input equals an observed one, and [`Pipeline::answer`]
//! recomputes one pipeline anywhere, so a run can check a candidate against every case.

mod search;
pub(crate) mod stages;
mod verifier;

use std::fmt;
use std::sync::OnceLock;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::Value;
use userhash::profile::{email_from_json, user_id_from_json};
use userhash::UserId;

use crate::{Answer, Input, Mistake};

pub use search::{explain, explain_run, Explained, RunDiagnosis};
pub use verifier::{
    explain_verify, verifier_decision, Decision, VerifyDiagnosis, VerifyObservation,
};

/// Deviations a searched pipeline makes at most. Two covers the ports that combine two habits
/// (trimming the input *and* printing uppercase hex) while keeping the search well under a
/// millisecond per case.
pub const MAX_DEVIATIONS: usize = 2;

/// The stages of a port's user hash, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Which identifier is hashed, and what counts as absent.
    Selection,
    /// How the identifier becomes text (integers above all).
    Rendering,
    /// What is done to the text (case, trimming, normalisation, escaping).
    Text,
    /// How the text becomes the message bytes.
    Encoding,
    /// How the secret becomes the key bytes.
    Key,
    /// The MAC: HMAC-SHA-256, or what a port computes instead.
    Mac,
    /// How the tag becomes the string sent.
    Output,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 7] = [
        Stage::Selection,
        Stage::Rendering,
        Stage::Text,
        Stage::Encoding,
        Stage::Key,
        Stage::Mac,
        Stage::Output,
    ];
}

/// An identifier as a port holds it after selection.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Ident {
    /// Text, hashed as such by the reference.
    Text(String),
    /// An integer user_id, rendered as its decimal digits by the reference.
    Integer(i128),
}

/// The identifier selected for hashing, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Selected {
    pub(crate) ident: Ident,
    pub(crate) from_email: bool,
}

/// A case's identifier fields: raw as sent, and as the reference reads them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'a> {
    pub(crate) raw_user_id: Option<&'a Value>,
    /// The user_id as the reference reads it (`None`: absent).
    pub(crate) user_id: Option<UserId<'a>>,
    /// The email as the reference reads it (`None`: absent, or `""`).
    pub(crate) email: Option<&'a str>,
    /// The email as sent when it is a string, `""` included.
    pub(crate) raw_email: Option<&'a str>,
    /// The email field as sent: `None` when absent, `Some(Null)` when null.
    pub(crate) email_field: Option<&'a Value>,
}

impl<'a> Fields<'a> {
    /// `None` when the reference rejects a field's type.
    fn read(input: &Input<'a>) -> Option<Fields<'a>> {
        let raw_email = email_from_json(input.email).ok()?;
        Some(Fields {
            raw_user_id: input.user_id,
            user_id: user_id_from_json(input.user_id).ok()?,
            email: raw_email.filter(|email| !email.is_empty()),
            raw_email,
            email_field: input.email,
        })
    }

    /// The user_id as an [`Ident`], absent or not (`""` is kept as text here).
    pub(crate) fn user_id_ident(&self) -> Option<Ident> {
        self.user_id.map(|user_id| match user_id {
            UserId::Text(text) => Ident::Text(text.to_owned()),
            UserId::Integer(n) => Ident::Integer(n),
        })
    }
}

/// What replaces a stage: one function type per stage, or per part of a stage that can go
/// wrong independently of the rest (see [`Slot`]).
#[derive(Clone, Copy)]
pub(crate) enum Apply {
    /// Which identifier is chosen, and what counts as absent.
    Selection(fn(&Fields<'_>) -> Option<Selected>),
    /// The text hashed for a user with no identifier, if any (the reference hashes nothing).
    Unidentified(fn(&Fields<'_>) -> Option<&'static str>),
    /// How an integer user_id is printed.
    RenderInteger(fn(i128) -> String),
    /// How a string user_id is rendered (`None`: as it is); emails are left alone.
    RenderUserIdText(fn(&str) -> Option<String>),
    Text(fn(&str) -> String),
    Encoding(fn(&str) -> Vec<u8>),
    Key(fn(&str) -> Vec<u8>),
    Mac(fn(&[u8], &[u8]) -> Vec<u8>),
    Output(fn(&[u8]) -> String),
}

/// The parts of a pipeline a deviation replaces. A pipeline makes at most one deviation per
/// slot, except [`Slot::Text`], whose transforms apply one after the other. Integers and
/// string user_ids are rendered apart, so a port can misprint both (a pandas column turns 42
/// and "42" into "42.0"); the unidentified user's text is apart from the choice of identifier
/// (`str(user_id or email)` drops a 0 *and* signs "None").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Choice,
    Unidentified,
    Integer,
    UserIdText,
    Text,
    Encoding,
    Key,
    Mac,
    Output,
}

impl Apply {
    fn stage(self) -> Stage {
        match self {
            Apply::Selection(_) | Apply::Unidentified(_) => Stage::Selection,
            Apply::RenderInteger(_) | Apply::RenderUserIdText(_) => Stage::Rendering,
            Apply::Text(_) => Stage::Text,
            Apply::Encoding(_) => Stage::Encoding,
            Apply::Key(_) => Stage::Key,
            Apply::Mac(_) => Stage::Mac,
            Apply::Output(_) => Stage::Output,
        }
    }

    fn slot(self) -> Slot {
        match self {
            Apply::Selection(_) => Slot::Choice,
            Apply::Unidentified(_) => Slot::Unidentified,
            Apply::RenderInteger(_) => Slot::Integer,
            Apply::RenderUserIdText(_) => Slot::UserIdText,
            Apply::Text(_) => Slot::Text,
            Apply::Encoding(_) => Slot::Encoding,
            Apply::Key(_) => Slot::Key,
            Apply::Mac(_) => Slot::Mac,
            Apply::Output(_) => Slot::Output,
        }
    }
}

/// A known way a stage goes wrong.
#[derive(Clone, Copy)]
pub struct Deviation {
    /// The catalogue name.
    pub mistake: Mistake,
    /// The variant (`"default"` when the mistake has one).
    pub variant: &'static str,
    pub(crate) apply: Apply,
}

impl Deviation {
    /// The stage it replaces.
    pub fn stage(&self) -> Stage {
        self.apply.stage()
    }
}

impl fmt::Debug for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.variant == "default" {
            write!(f, "{}", self.mistake)
        } else {
            write!(f, "{} ({})", self.mistake, self.variant)
        }
    }
}

/// Every deviation of every stage, in stage order, then in the order each stage lists them.
pub fn deviations() -> &'static [Deviation] {
    static ALL: OnceLock<Vec<Deviation>> = OnceLock::new();
    ALL.get_or_init(stages::all)
}

/// The index of a deviation in [`deviations`].
pub type DeviationId = u16;

/// The deviations of `mistake`, in its variant order.
pub fn of_mistake(mistake: Mistake) -> impl Iterator<Item = (DeviationId, &'static Deviation)> {
    deviations()
        .iter()
        .enumerate()
        .filter(move |(_, d)| d.mistake == mistake)
        .filter_map(|(i, d)| DeviationId::try_from(i).ok().map(|id| (id, d)))
}

/// The reference with some stages replaced: at most one deviation per stage, except stages
/// that compose (text), where deviations apply in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pipeline {
    /// The deviations, as indices into [`deviations`], in the order they apply.
    pub deviations: Vec<DeviationId>,
}

/// `{"name": "TRIMMED_INPUT + UPPERCASE_HEX", "deviations": ["TRIMMED_INPUT", …]}`.
impl Serialize for Pipeline {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let steps: Vec<String> = self.steps().map(ToString::to_string).collect();
        let mut out = serializer.serialize_struct("Pipeline", 2)?;
        out.serialize_field("name", &self.name())?;
        out.serialize_field("deviations", &steps)?;
        out.end()
    }
}

impl Pipeline {
    /// The pipeline with these deviations.
    pub fn new(deviations: Vec<DeviationId>) -> Pipeline {
        Pipeline { deviations }
    }

    /// The deviations themselves.
    pub fn steps(&self) -> impl Iterator<Item = &'static Deviation> + '_ {
        self.deviations
            .iter()
            .filter_map(|id| deviations().get(usize::from(*id)))
    }

    /// The mistakes it makes, in pipeline order.
    pub fn mistakes(&self) -> Vec<Mistake> {
        let mut out = Vec::new();
        for step in self.steps() {
            if !out.contains(&step.mistake) {
                out.push(step.mistake);
            }
        }
        out
    }

    /// The composed name: `TRIMMED_INPUT + UPPERCASE_HEX`, or the reference's `(none)`.
    pub fn name(&self) -> String {
        let names: Vec<&str> = self.mistakes().iter().map(|m| m.name()).collect();
        if names.is_empty() {
            "(none)".to_owned()
        } else {
            names.join(" + ")
        }
    }

    fn applies(&self) -> impl Iterator<Item = Apply> + '_ {
        self.steps().map(|d| d.apply)
    }

    /// What a port with this pipeline answers on `input`: `None` (no answer to compare) when
    /// the reference rejects the input, else the hash or `Some(None)` for no hash.
    pub fn answer(&self, input: &Input<'_>) -> Option<Answer> {
        let fields = Fields::read(input)?;
        if input.secret.is_empty() {
            return None;
        }
        let selected = match self.applies().find_map(|a| match a {
            Apply::Selection(select) => Some(select),
            _ => None,
        }) {
            Some(select) => select(&fields),
            None => stages::selection::reference(&fields),
        };
        let unidentified = self.applies().find_map(|a| match a {
            Apply::Unidentified(literal) => Some(literal),
            _ => None,
        });
        let Some(selected) = selected.or_else(|| {
            unidentified
                .and_then(|literal| literal(&fields))
                .map(stages::selection::unidentified)
        }) else {
            return Some(None);
        };
        let mut text = stages::rendering::reference(&selected);
        for apply in self.applies() {
            if let Some(rendered) = stages::rendering::render(apply, &selected) {
                text = rendered;
            }
        }
        for apply in self.applies() {
            if let Apply::Text(transform) = apply {
                text = transform(&text);
            }
        }
        let mut message = None;
        let mut key = None;
        let mut mac: fn(&[u8], &[u8]) -> Vec<u8> = stages::mac::reference;
        let mut output: fn(&[u8]) -> String = crate::hex;
        for apply in self.applies() {
            match apply {
                Apply::Encoding(encode) => message = Some(encode(&text)),
                Apply::Key(derive) => key = Some(derive(input.secret)),
                Apply::Mac(f) => mac = f,
                Apply::Output(f) => output = f,
                _ => {}
            }
        }
        let message = message.unwrap_or_else(|| text.into_bytes());
        let key = key.unwrap_or_else(|| input.secret.as_bytes().to_vec());
        Some(Some(output(&mac(&key, &message))))
    }

    /// Whether the deviations can stand together: at most one per slot, except text
    /// transforms, which compose; none twice.
    pub fn is_well_formed(&self) -> bool {
        let steps: Vec<&Deviation> = self.steps().collect();
        steps.len() == self.deviations.len()
            && steps.iter().enumerate().all(|(i, a)| {
                steps[i + 1..].iter().all(|b| {
                    let same = std::ptr::eq(*a, *b);
                    let slot = a.apply.slot();
                    !same && (slot != b.apply.slot() || slot == Slot::Text)
                })
            })
    }
}
