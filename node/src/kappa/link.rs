//! The node's way to the coordinator for workers and job methods: through this node's own
//! replica when it leads (no network hop), else through a client that follows the leader.

use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::query::{Answer, Query};
use sl_coordinator::service::{Client, Driver, ProposeOutcome, ReadOutcome};

#[derive(Clone)]
pub struct Link {
    driver: Driver,
    client: std::sync::Arc<Client>,
}

impl Link {
    pub fn new(driver: Driver, client: Client) -> Link {
        Link {
            driver,
            client: std::sync::Arc::new(client),
        }
    }

    /// Proposes `command` and waits for its reply. A retry after a lost answer is safe for task
    /// calls (at most once per `(task, seq)`) and submissions (idempotency key).
    pub async fn propose(&self, command: Command) -> Result<Reply, String> {
        let started = std::time::Instant::now();
        let outcome = self.propose_once(command).await;
        metrics::counter!(
            "slnode_raft_proposals_total",
            "outcome" => if outcome.is_ok() { "applied" } else { "error" }
        )
        .increment(1);
        // From this node's proposal until it was applied: the commit latency a caller sees.
        metrics::histogram!("slnode_raft_commit_seconds").record(started.elapsed().as_secs_f64());
        outcome
    }

    async fn propose_once(&self, command: Command) -> Result<Reply, String> {
        match self.driver.propose_at_leader(command.clone()).await {
            ProposeOutcome::Applied(reply) => return Ok(reply),
            ProposeOutcome::Refused(reason) => return Err(reason),
            ProposeOutcome::Redirect { .. } | ProposeOutcome::Timeout => {}
        }
        self.client
            .propose(&command)
            .await
            .map_err(|e| e.to_string())
    }

    /// A linearizable read.
    pub async fn read(&self, query: Query) -> Result<Answer, String> {
        match self.driver.read(query.clone()).await {
            ReadOutcome::Answer(answer) => return Ok(answer),
            ReadOutcome::Redirect { .. } | ReadOutcome::Timeout => {}
        }
        self.client.read(&query).await.map_err(|e| e.to_string())
    }

    /// This replica's state, possibly stale (service URLs, which change rarely).
    pub async fn read_local(&self, query: Query) -> Option<Answer> {
        self.driver.read_local(query).await
    }

    /// The job's view once this replica has applied its end (see `Driver::job_ended`).
    pub async fn job_ended_local(&self, job: sl_coordinator::ids::JobId) -> Option<Answer> {
        self.driver.job_ended(job).await
    }
}
