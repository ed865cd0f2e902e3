//! The provisioner and its workers, as actix actors. The provisioner keeps up to `slots` workers
//! busy: it long-polls the coordinator's leader for leases on ready tasks (the leader holds an
//! acquire until something is ready, up to its hold budget) and starts one [`Worker`] actor per
//! lease. A worker runs its slice on a blocking thread under a hard deadline — at the deadline
//! it sets the VM's stop flag, and whatever the thread sends after is fenced by the epoch — and
//! stops when the slice ends; no idle worker outlives its task (scale to zero). A slice about to
//! send its task's exit tells the provisioner (`Env::exits`), which asks for that slot's next
//! lease at once: the acquire commits alongside the exit instead of one commit round after it.
//!
//! Mailboxes are bounded ([`MAILBOX_CAPACITY`]); a worker reports its end with `send`, which
//! waits for room, so no end is lost and no slot leaks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix::prelude::*;
use sl_coordinator::ids::NodeId;
use sl_coordinator::machine::{Checkpoint, Command, Grant, RENEWED_LEASE_MS, Reply};
use tracing::{debug, info, warn};

use super::programs::unix_ms;
use super::timeline::SliceRecord;
use super::worker::{self, End, Env};

pub const MAILBOX_CAPACITY: usize = 64;
/// Extra lease time beyond a task's timeout before the leader declares its worker dead.
pub const LEASE_GRACE_MS: u64 = 2_000;
/// The default "lambda limit" of a slice when the job names none.
pub const TIMEOUT_DEFAULT_MS: u64 = 60_000;
/// Pause after a failed poll (no leader yet, say), doubling up to the maximum.
const POLL_BACKOFF_MIN: Duration = Duration::from_millis(50);
const POLL_BACKOFF_MAX: Duration = Duration::from_secs(2);

struct Running {
    stop: Arc<AtomicBool>,
    /// Set when the slice is sending its exit: its slot is about to be free, and the next lease
    /// for it may be asked for now.
    exiting: Arc<AtomicBool>,
    slot: u32,
}

pub struct Provisioner {
    env: Arc<Env>,
    slots: u32,
    /// Slot numbers not running a slice (a slot is where a timeline draws the slice).
    free: Vec<u32>,
    polling: bool,
    backoff: Duration,
    /// Every running slice (how many are busy).
    running: Vec<Running>,
    /// Set by [`Drain`]: no more leases; told when the last slice has ended.
    draining: Option<Vec<tokio::sync::oneshot::Sender<()>>>,
}

impl Provisioner {
    fn busy(&self) -> u32 {
        self.running.len() as u32
    }

    /// Slots busy with slices that are not about to end.
    fn staying(&self) -> u32 {
        self.running
            .iter()
            .filter(|r| !r.exiting.load(Ordering::Relaxed))
            .count() as u32
    }

    pub fn new(env: Env, slots: u32) -> Provisioner {
        Provisioner {
            env: Arc::new(env),
            slots: slots.max(1),
            free: (0..slots.max(1)).rev().collect(),
            polling: false,
            backoff: POLL_BACKOFF_MIN,
            running: Vec::new(),
            draining: None,
        }
    }

    fn poll(&mut self, ctx: &mut Context<Self>) {
        if self.polling || self.staying() >= self.slots || self.draining.is_some() {
            return;
        }
        self.polling = true;
        // A slot whose slice is sending its exit counts as free: its next lease commits while
        // the exit does (`start_worker` draws a lease that comes first on a row of its own).
        let max = self.slots - self.staying();
        let env = self.env.clone();
        let command = Command::Acquire {
            node: NodeId(env.node),
            max,
            now_ms: unix_ms(),
            lease_ms: LEASE_GRACE_MS,
        };
        let asked = async move { env.link.propose(command).await };
        ctx.spawn(asked.into_actor(self).map(|result, act, ctx| {
            act.polling = false;
            match result {
                // Granted as the node began to stop: nothing ran; hand the leases back at
                // once so the tasks run elsewhere without waiting out the leases.
                Ok(Reply::Leases(grants)) if act.draining.is_some() => {
                    let env = act.env.clone();
                    ctx.spawn(
                        async move {
                            for grant in grants {
                                let expire = Command::Expire {
                                    task: grant.task,
                                    epoch: grant.epoch,
                                };
                                let _ = env.link.propose(expire).await;
                            }
                        }
                        .into_actor(act),
                    );
                }
                Ok(Reply::Leases(grants)) => {
                    act.backoff = POLL_BACKOFF_MIN;
                    for grant in grants {
                        act.start_worker(grant, ctx);
                    }
                    act.poll(ctx);
                }
                other => {
                    if let Err(e) = &other {
                        debug!("lease poll failed: {e}");
                    }
                    let wait = act.backoff;
                    act.backoff = (act.backoff * 2).min(POLL_BACKOFF_MAX);
                    ctx.run_later(wait, |act, ctx| act.poll(ctx));
                }
            }
        }));
    }

    fn start_worker(&mut self, grant: Grant, ctx: &mut Context<Self>) {
        // The leader grants at most the free slots (`poll` asks for no more); a grant past them
        // is drawn on a row of its own past the slots, never on a slot in use.
        // A lease asked for while a slice sent its exit takes that slice's slot: the two share
        // the slot's row for the moment the exit takes to commit.
        let taken = |slot: u32| self.running.iter().filter(|r| r.slot == slot).count();
        let slot = self
            .free
            .pop()
            .or_else(|| {
                self.running
                    .iter()
                    .find(|r| r.exiting.load(Ordering::Relaxed) && taken(r.slot) == 1)
                    .map(|r| r.slot)
            })
            .unwrap_or(self.slots + self.busy() + 1);
        let stop = Arc::new(AtomicBool::new(false));
        let exiting = Arc::new(AtomicBool::new(false));
        self.running.push(Running {
            stop: stop.clone(),
            exiting: exiting.clone(),
            slot,
        });
        self.env.timeline.set_busy(self.busy());
        Worker {
            slot,
            grant: Some(grant),
            env: self.env.clone(),
            provisioner: ctx.address(),
            stop,
            exiting,
        }
        .start();
    }
}

/// The node is stopping: take no more leases, stop every running slice (each ends as at its
/// deadline: it resumes from its last checkpoint elsewhere), and answer once the last has
/// ended, so no slice's thread still uses the node's runtime while it shuts down.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain;

impl Handler<Drain> for Provisioner {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: Drain, _: &mut Self::Context) -> Self::Result {
        let (done, ended) = tokio::sync::oneshot::channel();
        for r in &self.running {
            r.stop.store(true, Ordering::Relaxed);
        }
        let idle = self.busy() == 0;
        let waiting = self.draining.get_or_insert_with(Vec::new);
        if idle {
            let _ = done.send(());
        } else {
            waiting.push(done);
        }
        Box::pin(async move {
            let _ = ended.await;
        })
    }
}

impl Actor for Provisioner {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        info!(slots = self.slots, "provisioner running");
        let exits = self.env.exits.clone();
        let me = ctx.address();
        ctx.spawn(
            async move {
                loop {
                    exits.notified().await;
                    // Full mailbox: a poll is coming anyway (a slice's end).
                    let _ = me.try_send(Poll);
                }
            }
            .into_actor(self),
        );
        self.poll(ctx);
    }
}

/// A slice is sending its exit: ask for its slot's next lease now.
#[derive(Message)]
#[rtype(result = "()")]
struct Poll;

impl Handler<Poll> for Provisioner {
    type Result = ();

    fn handle(&mut self, _: Poll, ctx: &mut Self::Context) {
        self.poll(ctx);
    }
}

fn end_name(end: &End) -> &'static str {
    match end {
        End::Exited => "exited",
        End::Blocked => "blocked",
        End::Fenced(_) => "fenced",
        End::TimedOut => "timed_out",
        End::GaveBack(_) => "gave_back",
    }
}

fn unix_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// A worker's slice has ended.
#[derive(Message)]
#[rtype(result = "()")]
struct WorkerDone {
    end: End,
    slot: u32,
    stop: Arc<AtomicBool>,
    slice: SliceRecord,
}

impl Handler<WorkerDone> for Provisioner {
    type Result = ();

    fn handle(&mut self, done: WorkerDone, ctx: &mut Self::Context) {
        self.running.retain(|r| !Arc::ptr_eq(&r.stop, &done.stop));
        self.env.timeline.set_busy(self.busy());
        if self.busy() == 0
            && let Some(waiting) = &mut self.draining
        {
            for done in waiting.drain(..) {
                let _ = done.send(());
            }
        }
        // Free unless a lease asked for during its exit runs there now.
        if done.slot < self.slots
            && !self.free.contains(&done.slot)
            && !self.running.iter().any(|r| r.slot == done.slot)
        {
            self.free.push(done.slot);
        }
        self.env.timeline.record(done.slice);
        let end = end_name(&done.end);
        metrics::counter!("slnode_kappa_slices_total", "end" => end).increment(1);
        match end {
            "exited" => metrics::counter!("slnode_kappa_tasks_finished_total").increment(1),
            "timed_out" => metrics::counter!("slnode_kappa_forced_timeouts_total").increment(1),
            _ => {}
        }
        metrics::gauge!("slnode_kappa_workers_busy").set(self.busy() as f64);
        self.poll(ctx);
    }
}

/// One leased slice of one task.
struct Worker {
    slot: u32,
    grant: Option<Grant>,
    env: Arc<Env>,
    provisioner: Addr<Provisioner>,
    stop: Arc<AtomicBool>,
    exiting: Arc<AtomicBool>,
}

impl Actor for Worker {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        let Some(grant) = self.grant.take() else {
            ctx.stop();
            return;
        };
        let (task, epoch) = (grant.task, grant.epoch);
        let mut record = SliceRecord {
            job: grant.job.0,
            task: task.0,
            epoch: epoch.0,
            function: grant.function.clone(),
            node: self.env.timeline.node().to_owned(),
            slot: self.slot,
            start_us: unix_us(),
            end_us: 0,
            end: String::new(),
            resumed: !matches!(grant.checkpoint, Checkpoint::Initial),
            label: grant.label.clone(),
        };
        let slot = self.slot;
        let deadline = if grant.on_coordinator {
            // No forced end: the lease is renewed while the slice runs.
            ctx.run_interval(
                Duration::from_millis(RENEWED_LEASE_MS / 3),
                move |act, ctx| {
                    let env = act.env.clone();
                    let stop = act.stop.clone();
                    let renew = async move {
                        let command = Command::Renew {
                            task,
                            epoch,
                            deadline_ms: unix_ms() + RENEWED_LEASE_MS,
                        };
                        if let Ok(Reply::Rejected(_)) = env.link.propose(command).await {
                            // The lease is gone: stop sending.
                            stop.store(true, Ordering::Relaxed);
                        }
                    };
                    ctx.spawn(renew.into_actor(act));
                },
            );
            None
        } else {
            let timeout = match grant.options.timeout_ms {
                0 => TIMEOUT_DEFAULT_MS,
                ms => ms,
            };
            let timeout = Duration::from_millis(timeout);
            let stop = self.stop.clone();
            ctx.run_later(timeout, move |_, _| stop.store(true, Ordering::Relaxed));
            Some(Instant::now() + timeout)
        };
        let env = self.env.clone();
        let stop = self.stop.clone();
        let exiting = self.exiting.clone();
        let slice =
            tokio::task::spawn_blocking(move || worker::run(&env, grant, stop, exiting, deadline));
        let provisioner = self.provisioner.clone();
        let stop = self.stop.clone();
        ctx.spawn(
            async move {
                let end = match slice.await {
                    Ok(end) => end,
                    Err(e) => {
                        warn!(task = task.0, "worker thread failed: {e}");
                        End::GaveBack(e.to_string())
                    }
                };
                debug!(task = task.0, epoch = epoch.0, ?end, "slice ended");
                record.end_us = unix_us().max(record.start_us);
                record.end = end_name(&end).to_owned();
                let _ = provisioner
                    .send(WorkerDone {
                        end,
                        slot,
                        stop,
                        slice: record,
                    })
                    .await;
            }
            .into_actor(self)
            .map(|_, _, ctx| ctx.stop()),
        );
    }
}
