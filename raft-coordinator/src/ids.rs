//! Identifiers as newtypes, so a task id can never be passed where an epoch is expected.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
        #[rkyv(derive(Debug, PartialEq, Eq, PartialOrd, Ord))]
        pub struct $name(pub u64);
    };
}

id!(
    /// A submitted job.
    JobId
);
id!(
    /// A task; its future has the same id.
    TaskId
);
id!(
    /// A lease generation of one task. Anything sent under an older epoch is fenced off.
    Epoch
);
id!(
    /// The sequence number of a task's coordinator calls; each takes effect at most once.
    Seq
);
id!(
    /// A cluster node.
    NodeId
);
id!(
    /// A FIFO queue.
    QueueId
);
id!(
    /// A DAG execution of a LAmbdaPACK program.
    DagId
);
