//! The observer rule in the state machine: what a task or user at label `l` can observe depends
//! only on what was done at labels that flow to `l`. This module holds the pieces of `apply` that
//! make it so for ids, the job log and counts, futures, queues and external services (the
//! faceted store is `kv`). Decisions, channel by channel, are in `docs/labels.md`.
//!
//! * Ids are not global counters: an id comes from a counter of the *creator's* label (its
//!   bucket, see [`label_bucket`]), so it depends only on what was created at that label.
//! * A task's output reaches its job's log, and its end the job's counts, only if its label flows
//!   to the job's.
//! * A future at a label the waiter may not see is "not found", unless its creation happened at
//!   a label the waiter sees (the waiter's own higher child): then a `PermissionError` at once,
//!   whatever the child does.
//! * A queue is dequeued only at its own label; a send up (to a strictly higher queue) never
//!   blocks or fails because of what the queue's readers did — past capacity the item is dropped
//!   and counted, as a datagram would be.
//! * An external service labelled `L` replying at `R` takes calls from `l` only if `l ⊑ L` and
//!   `R ⊑ l`.
//!
//! Test-only: `leaky(n)` re-opens channel `n` when a unit test sets it (`cfg(test)` only, so no
//! other build can): the noninterference checker in `noninterference_tests` must catch each.

use sl_labels::{Label, Lattice, TagSet};

use crate::ids::JobId;
use crate::machine::{Machine, Reject};

/// Kinds of id, each with its own counters.
#[derive(Clone, Copy)]
pub(crate) enum IdKind {
    Job = 0,
    Task = 1,
    Queue = 2,
}

/// Bits of an id that name its creator's label bucket (the rest count).
pub const ID_BUCKET_BITS: u32 = 21;

/// A label's id bucket: FNV-1a over its level and tags. Labels whose buckets collide share a
/// counter (ids stay unique; the two labels could then see each other's creation count — a
/// chance of 2⁻²¹ per pair once cut to [`ID_BUCKET_BITS`], written down in `docs/labels.md`).
pub fn label_bucket(label: &Label) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u32::from(*b);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    eat(&label.level.0.to_le_bytes());
    match &label.tags {
        TagSet::All => eat(&[0xff; 4]),
        TagSet::Set(tags) => {
            for tag in tags {
                eat(&tag.0.to_le_bytes());
            }
        }
    }
    hash
}

#[cfg(test)]
thread_local! {
    /// The test-only switch: which channel (1–9) this test thread leaves open; 0 for none.
    pub(crate) static LEAKY: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
}

/// Whether channel `n` (1–9, as numbered in issue 15 and `docs/labels.md`) is deliberately left
/// open. Only unit tests (`cfg(test)`) can turn one on; in every other build this is `false`.
#[inline]
pub(crate) fn leaky(n: u8) -> bool {
    #[cfg(test)]
    {
        LEAKY.with(|c| c.get() == n)
    }
    #[cfg(not(test))]
    {
        let _ = n;
        false
    }
}

/// The object key of a job's source: the submitter's label is part of it, so the same source
/// submitted at two labels neither collides with (objects are write-once) nor reveals the other.
pub fn program_key(label: &Label, source_digest_hex: &str) -> String {
    if leaky(7) {
        return format!("kappa/program/{source_digest_hex}");
    }
    let tags = match &label.tags {
        TagSet::All => "*".to_owned(),
        TagSet::Set(tags) => tags
            .iter()
            .map(|t| t.0.to_string())
            .collect::<Vec<_>>()
            .join("."),
    };
    format!("kappa/program/{}-{tags}/{source_digest_hex}", label.level.0)
}

impl Machine {
    /// A fresh id of `kind` from the counter of `creator`'s bucket.
    pub(crate) fn next_id(&mut self, kind: IdKind, creator: &Label) -> Result<u64, Reject> {
        self.next_ids(kind, creator, 1)
    }

    /// The first of `count` consecutive fresh ids of `kind` from the counter of `creator`'s
    /// bucket (a block reserved at once: children run in place, `in_place`).
    pub(crate) fn next_ids(
        &mut self,
        kind: IdKind,
        creator: &Label,
        count: u32,
    ) -> Result<u64, Reject> {
        assert!(count > 0, "an id block holds an id");
        if leaky(5) {
            let key = (kind as u8, 0);
            let n = self.state.id_counters.entry(key).or_insert(0);
            *n += count;
            return Ok(u64::from(*n - count + 1));
        }
        // 21 bits of bucket and 32 of counter: ids stay below 2⁵³, exact in JSON readers
        // that use doubles (jq, JavaScript).
        let bucket = label_bucket(creator) & ((1 << ID_BUCKET_BITS) - 1);
        let n = self
            .state
            .id_counters
            .entry((kind as u8, bucket))
            .or_insert(0);
        if u32::MAX - *n < count {
            return Err(Reject::Limit(
                "this label has used up its ids of this kind".into(),
            ));
        }
        let first = *n + 1;
        *n += count;
        Ok((u64::from(bucket) << 32) | u64::from(first))
    }

    /// Gives ids `next..end` of `creator`'s counter back when they are its last ones handed out
    /// ([`Machine::next_ids`] after a block nobody used up); otherwise they stay unused. The
    /// same on every replica: the counter is state.
    pub(crate) fn return_ids(&mut self, kind: IdKind, creator: &Label, next: u64, end: u64) {
        let key = if leaky(5) {
            (kind as u8, 0)
        } else {
            (
                kind as u8,
                label_bucket(creator) & ((1 << ID_BUCKET_BITS) - 1),
            )
        };
        let low = |id: u64| (id & u64::from(u32::MAX)) as u32;
        if let Some(n) = self.state.id_counters.get_mut(&key)
            && next < end
            && *n == low(end - 1)
            && low(next) >= 1
        {
            *n = low(next) - 1;
        }
    }

    /// Whether what a task at `task` does shows in the log and counts of a job at `job`.
    pub(crate) fn shows_in_job(&self, task: &Label, job: JobId) -> bool {
        leaky(6)
            || self
                .state
                .jobs
                .get(&job)
                .is_some_and(|j| self.policy.flows(task, &j.label))
    }

    /// The refusal for a future the waiter at `me` may not see.
    pub(crate) fn hidden_future(&self, creator: &Label, me: &Label) -> Reject {
        if self.policy.flows(creator, me) {
            Reject::FlowDown
        } else {
            Reject::NotFound
        }
    }

    /// The refusal for a queue a task at `me` may not write: below it, it is visible (a flow
    /// down); otherwise it does not exist for it.
    pub(crate) fn unwritable_queue(&self, queue: &Label, me: &Label) -> Reject {
        if self.policy.flows(queue, me) {
            Reject::FlowDown
        } else {
            Reject::NotFound
        }
    }

    /// Whether a task at `me` may call service `name` (labelled `L`, replying at `R`):
    /// `me ⊑ L` and `R ⊑ me`. A service without labels is at the bottom.
    pub(crate) fn may_call_service(&self, me: &Label, name: &str) -> Result<(), Reject> {
        if leaky(8) {
            return Ok(());
        }
        let (label, reply) = match self.state.service_labels.get(name) {
            Some((label, reply)) => (label.clone(), reply.clone()),
            None => (self.policy.bottom(), self.policy.bottom()),
        };
        if self.policy.flows(me, &label) && self.policy.flows(&reply, me) {
            Ok(())
        } else {
            Err(Reject::FlowDown)
        }
    }
}

impl Machine {
    /// Whether task `task` is at exactly `label`.
    pub(crate) fn same_label(&self, task: crate::ids::TaskId, label: &Label) -> bool {
        self.state
            .tasks
            .get(&task)
            .is_some_and(|t| t.label == *label)
    }

    pub(crate) fn put_labelled_service(
        &mut self,
        name: &str,
        url: &str,
        label: &Label,
        reply_label: &Label,
    ) -> crate::machine::Reply {
        use crate::machine::Reply;
        for l in [label, reply_label] {
            if self.policy.check_label(l).is_err() {
                return Reply::Rejected(Reject::Invalid(
                    "the service's label is not valid in this cluster's policy".into(),
                ));
            }
        }
        let reply = self.put_service(name, url);
        if reply == Reply::Ok {
            self.state
                .service_labels
                .insert(name.to_owned(), (label.clone(), reply_label.clone()));
        }
        reply
    }
}
