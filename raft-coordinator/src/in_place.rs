//! Children a task ran *in place* — on its own worker, before anything was sent — recorded with
//! the task's next call instead of a commit of their own.
//!
//! A child run in place had no effect but its outcome and its output (it called nothing but the
//! clock), so it may exist first in the commit that also records its parent's state after it:
//! until then, a parent that fails runs it again from nothing, as if it never ran. What makes
//! that possible is an id known before the commit: the first child a slice runs in place goes as
//! [`Call::SpawnInline`](crate::machine::Call::SpawnInline), whose reply also hands the task a
//! block of ids ([`IdBlock`], [`IDS_PER_BLOCK`] of them, from its label's counter); later
//! children take the block's ids in order and ride along with whatever call comes next
//! ([`TaskCall::children`](crate::machine::TaskCall::children)) — the exit, at the latest.
//!
//! Rules the state machine keeps:
//! * All or none with the call: the children are recorded before its effect (so the call may
//!   name them: a spawn depending on one, a future of one in an item), and taken back when the
//!   effect is refused — a refused call changes nothing, and its worker sends them again.
//! * The ids are the block's next ones, in order, never reused: a call naming others is refused
//!   whole. A block survives the lease (a resumed slice gets it again with its next
//!   `SpawnInline`), so a slice that failed before recording wasted none of it.
//! * Only with a state that refers to them: a call that keeps the recorded state
//!   (`Checkpoint::AsRecorded`) or sends none (`Checkpoint::Unchanged`) carries no children.

use crate::ids::TaskId;
use crate::label_rules::IdKind;
use crate::machine::{Machine, OUTCOME_BYTES_MAX, Outcome, Reject, outcome_bytes, text_ok};

/// The most ids a task reserves at once for children it runs in place: a commit per this many
/// children at most.
pub const IDS_PER_BLOCK: u32 = 128;
/// A task's first block; each next one doubles (up to [`IDS_PER_BLOCK`]), so a task that runs
/// one child in place leaves at most this many of its label's ids unused, and a fan-out of
/// many reaches full blocks after a few commits.
pub const IDS_FIRST_BLOCK: u32 = 4;

/// Task ids reserved for one task's children in place: `next..end`, taken in order; `size` is
/// how many the block had.
#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct IdBlock {
    pub next: u64,
    pub end: u64,
    pub size: u32,
}

impl IdBlock {
    pub fn is_empty(&self) -> bool {
        self.next >= self.end
    }

    /// The next id, taken.
    pub fn take(&mut self) -> Option<TaskId> {
        if self.is_empty() {
            return None;
        }
        self.next += 1;
        Some(TaskId(self.next - 1))
    }

    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.next)
    }
}

/// A child its parent ran to its end in place: recorded as an ended task at the parent's label.
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct RanInPlace {
    pub id: TaskId,
    pub function: String,
    pub outcome: Outcome,
}

/// What a call's children may hold, checked before the call is proposed.
pub(crate) fn children_ok(children: &[RanInPlace]) -> Result<(), Reject> {
    if children.len() > IDS_PER_BLOCK as usize {
        return Err(Reject::Children(format!(
            "a call records at most {IDS_PER_BLOCK} children run in place"
        )));
    }
    let bytes: usize = children.iter().map(|c| outcome_bytes(&c.outcome)).sum();
    if bytes > OUTCOME_BYTES_MAX {
        return Err(Reject::Children(format!(
            "children run in place carry at most {OUTCOME_BYTES_MAX} bytes of outcomes"
        )));
    }
    for child in children {
        text_ok("a function name", &child.function)
            .map_err(|e| Reject::Children(format!("{e:?}")))?;
    }
    Ok(())
}

impl Machine {
    /// Records the children `me` ran in place, ended, under the ids of its block; returns the
    /// block as it was, for [`Machine::unrecord_in_place`]. Nothing changes when they are
    /// refused.
    pub(crate) fn record_in_place(
        &mut self,
        me: TaskId,
        children: &[RanInPlace],
    ) -> Result<Option<IdBlock>, Reject> {
        let Some(task) = self.state.tasks.get(&me) else {
            return Err(Reject::UnknownTask);
        };
        let before = task.ids;
        if children.is_empty() {
            return Ok(before);
        }
        let block = task.ids.unwrap_or(IdBlock {
            next: 0,
            end: 0,
            size: 0,
        });
        let in_order = children
            .iter()
            .enumerate()
            .all(|(k, child)| child.id.0 == block.next.saturating_add(k as u64));
        if !in_order || (children.len() as u64) > block.len() {
            return Err(Reject::Children(
                "children run in place name ids not reserved for them".into(),
            ));
        }
        if self.state.tasks.len() + children.len() > self.limits.tasks_max {
            return Err(Reject::Children(format!(
                "the cluster holds at most {} tasks",
                self.limits.tasks_max
            )));
        }
        let (label, job) = (task.label.clone(), task.job);
        for child in children {
            self.insert_task(
                child.id,
                job,
                &label,
                label.clone(),
                &child.function,
                &[],
                Vec::new(),
                false,
            );
            // It ran already: never ready, never leased, ended as it ended there.
            self.state.ready.remove(&child.id);
            self.finish(child.id, child.outcome.clone());
        }
        let task = self.state.tasks.get_mut(&me).expect("the caller exists");
        let block = task.ids.as_mut().expect("checked above");
        block.next += children.len() as u64;
        Ok(before)
    }

    /// Takes back what [`Machine::record_in_place`] recorded for a call whose effect was refused.
    pub(crate) fn unrecord_in_place(
        &mut self,
        me: TaskId,
        children: &[RanInPlace],
        before: Option<IdBlock>,
    ) {
        if children.is_empty() {
            return;
        }
        for child in children {
            let Some(task) = self.state.tasks.remove(&child.id) else {
                continue;
            };
            assert!(
                task.waiters.is_empty(),
                "a refused call left nothing waiting on a child it recorded"
            );
            let counted = self.shows_in_job(&task.label, task.job);
            if let Some(job) = self.state.jobs.get_mut(&task.job) {
                job.tasks = job.tasks.saturating_sub(1);
                if !counted {
                } else if task.status == crate::machine::Status::Failed {
                    job.failed = job.failed.saturating_sub(1);
                } else {
                    job.done = job.done.saturating_sub(1);
                }
            }
        }
        if let Some(task) = self.state.tasks.get_mut(&me) {
            task.ids = before;
        }
    }

    /// The block `me`'s next children in place take their ids from: what is left of its own
    /// when it holds `need` ids (the size of the spawn that could not be deferred), or a fresh
    /// one from its label's counter, twice the last one's size and at least `need` (within
    /// [`IDS_PER_BLOCK`]); a remainder too small for the spawns the task makes is dropped, or
    /// they would commit one by one. `None` when the label's ids are used up (its children in
    /// place are then recorded one call each, `SpawnInline`).
    pub(crate) fn reserve_ids(&mut self, me: TaskId, need: usize) -> Option<IdBlock> {
        let task = self.state.tasks.get(&me)?;
        let need = need.clamp(1, IDS_PER_BLOCK as usize) as u64;
        if let Some(block) = task.ids
            && block.len() >= need
        {
            return Some(block);
        }
        let size = match task.ids {
            Some(block) => block.size.saturating_mul(2),
            None => IDS_FIRST_BLOCK,
        }
        .max(need as u32)
        .min(IDS_PER_BLOCK);
        let label = task.label.clone();
        self.give_back_ids(me);
        let first = self.next_ids(IdKind::Task, &label, size).ok()?;
        let block = IdBlock {
            next: first,
            end: first + u64::from(size),
            size,
        };
        self.state.tasks.get_mut(&me)?.ids = Some(block);
        Some(block)
    }

    /// Returns what is left of `me`'s block to its label's counter when nothing was reserved
    /// after it (the counter's tail), and drops the block either way: a task that ended, or one
    /// whose block is replaced, never takes those ids.
    pub(crate) fn give_back_ids(&mut self, me: TaskId) {
        let Some(task) = self.state.tasks.get_mut(&me) else {
            return;
        };
        let Some(block) = task.ids.take() else {
            return;
        };
        if block.is_empty() {
            return;
        }
        let label = task.label.clone();
        self.return_ids(IdKind::Task, &label, block.next, block.end);
    }
}
