//! The RocksDB raft log: `Storage` semantics (bounds, terms, conflicting suffixes, compaction),
//! durability across reopen and across kill -9, and a single-voter RawNode committing through it.

// protobuf messages are built field by field; that is how the generated types are meant to be used.
#![allow(clippy::field_reassign_with_default)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use raft::eraftpb::{ConfState, Entry, HardState};
use raft::{GetEntriesContext, Storage, StorageError};
use sl_coordinator::log_store::{BOOTSTRAP_INDEX, BOOTSTRAP_TERM, LogStore};

fn entry(index: u64, term: u64, data: &[u8]) -> Entry {
    let mut e = Entry::default();
    e.index = index;
    e.term = term;
    e.data = data.to_vec().into();
    e
}

fn ctx() -> GetEntriesContext {
    GetEntriesContext::empty(false)
}

#[test]
fn a_new_cluster_starts_from_a_snapshot_naming_its_voters_and_a_joiner_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let log = LogStore::open(dir.path(), &[1, 2, 3]).unwrap();
    let state = log.initial_state().unwrap();
    assert_eq!(state.conf_state.voters, vec![1, 2, 3]);
    assert_eq!(
        (state.hard_state.term, state.hard_state.commit),
        (BOOTSTRAP_TERM, BOOTSTRAP_INDEX)
    );
    assert_eq!(log.first_index().unwrap(), BOOTSTRAP_INDEX + 1);
    assert_eq!(log.last_index().unwrap(), BOOTSTRAP_INDEX);
    assert_eq!(log.term(BOOTSTRAP_INDEX).unwrap(), BOOTSTRAP_TERM);
    drop(log);
    // Reopening (with or without voters) keeps what was stored.
    let reopened = LogStore::open(dir.path(), &[]).unwrap();
    assert_eq!(
        reopened.initial_state().unwrap().conf_state.voters,
        vec![1, 2, 3]
    );
    let joiner_dir = tempfile::tempdir().unwrap();
    let joiner = LogStore::open(joiner_dir.path(), &[]).unwrap();
    assert!(joiner.initial_state().unwrap().conf_state.voters.is_empty());
    assert_eq!(joiner.last_index().unwrap(), 0);
}

#[test]
fn entries_terms_bounds_and_conflicting_suffixes() {
    let dir = tempfile::tempdir().unwrap();
    let log = LogStore::open(dir.path(), &[]).unwrap();
    assert_eq!(
        (log.first_index().unwrap(), log.last_index().unwrap()),
        (1, 0)
    );
    let first: Vec<Entry> = (1..=5).map(|i| entry(i, 1, &[i as u8])).collect();
    log.persist(None, &first, None).unwrap();
    assert_eq!(log.last_index().unwrap(), 5);
    assert_eq!(
        log.entries(2, 5, None, ctx()).unwrap(),
        first[1..4].to_vec()
    );
    assert_eq!(log.term(0).unwrap(), 0);
    assert_eq!(log.term(4).unwrap(), 1);
    assert!(matches!(
        log.entries(2, 7, None, ctx()),
        Err(raft::Error::Store(StorageError::Unavailable))
    ));
    // A new leader's entries replace the conflicting suffix 3..=5.
    log.persist(None, &[entry(3, 2, b"x"), entry(4, 2, b"y")], None)
        .unwrap();
    assert_eq!(log.last_index().unwrap(), 4);
    assert_eq!(log.term(3).unwrap(), 2);
    assert!(log.term(5).is_err());
    // Size limit: at least one entry, then as many as fit.
    assert_eq!(log.entries(1, 5, 1, ctx()).unwrap().len(), 1);
}

#[test]
fn compaction_keeps_later_entries_and_the_boundary_term() {
    let dir = tempfile::tempdir().unwrap();
    let log = LogStore::open(dir.path(), &[]).unwrap();
    log.persist(
        None,
        &(1..=10).map(|i| entry(i, 3, b"e")).collect::<Vec<_>>(),
        None,
    )
    .unwrap();
    let mut conf = ConfState::default();
    conf.voters = vec![1];
    log.compact(6, conf, b"machine@6".to_vec(), 0).unwrap();
    assert_eq!(log.first_index().unwrap(), 7);
    assert_eq!(log.last_index().unwrap(), 10);
    assert_eq!(
        log.term(6).unwrap(),
        3,
        "the boundary term stays known for matching"
    );
    assert!(matches!(
        log.entries(5, 8, None, ctx()),
        Err(raft::Error::Store(StorageError::Compacted))
    ));
    assert_eq!(log.entries(7, 11, None, ctx()).unwrap().len(), 4);
    assert_eq!(&log.snapshot(6, 1).unwrap().data[..], b"machine@6");
    assert!(!log.take_snapshot_request());
    // A snapshot from before node 2 was a member cannot serve it (raft-rs would refuse it): the
    // store asks the replica for a fresh one instead.
    assert!(matches!(
        log.snapshot(6, 2),
        Err(raft::Error::Store(
            StorageError::SnapshotTemporarilyUnavailable
        ))
    ));
    assert!(log.take_snapshot_request());
    assert!(!log.take_snapshot_request(), "the request is taken once");
    drop(log);
    let reopened = LogStore::open(dir.path(), &[]).unwrap();
    assert_eq!(
        (
            reopened.first_index().unwrap(),
            reopened.last_index().unwrap()
        ),
        (7, 10)
    );
    assert_eq!(reopened.initial_state().unwrap().conf_state.voters, vec![1]);
    // A later compaction at 9 keeping 2 entries: the snapshot is at 9, the log starts at 8.
    let mut conf = ConfState::default();
    conf.voters = vec![1];
    reopened.compact(9, conf, b"machine@9".to_vec(), 2).unwrap();
    assert_eq!(reopened.first_index().unwrap(), 8);
    assert_eq!(reopened.snapshot(9, 1).unwrap().get_metadata().index, 9);
    assert_eq!(reopened.entries(8, 11, None, ctx()).unwrap().len(), 3);
    assert_eq!(reopened.term(7).unwrap(), 3, "the boundary term is kept");
    drop(reopened);
    let again = LogStore::open(dir.path(), &[]).unwrap();
    assert_eq!(
        (again.first_index().unwrap(), again.last_index().unwrap()),
        (8, 10),
        "the boundary survives a restart"
    );
}

#[test]
fn crash_child() {
    let Ok(dir) = std::env::var("SL_RAFTLOG_CRASH_DIR") else {
        return;
    };
    let log = LogStore::open(std::path::Path::new(&dir), &[]).unwrap();
    for i in 1u64.. {
        let mut hs = HardState::default();
        hs.term = 1;
        hs.commit = i;
        log.persist(None, &[entry(i, 1, &i.to_le_bytes())], Some(&hs))
            .unwrap();
        println!("persisted {i}");
    }
}

#[test]
fn persisted_entries_and_hard_state_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_child",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("SL_RAFTLOG_CRASH_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acked = 0;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        if let Some(n) = line.unwrap().strip_prefix("persisted ") {
            acked = n.parse().unwrap();
            if acked >= 300 {
                break;
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let log = LogStore::open(dir.path(), &[]).unwrap();
    assert!(log.last_index().unwrap() >= acked);
    assert!(log.initial_state().unwrap().hard_state.commit >= acked);
    for (i, e) in log
        .entries(1, acked + 1, None, ctx())
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(&e.data[..], &(i as u64 + 1).to_le_bytes());
    }
}

#[test]
fn a_single_voter_commits_proposals_through_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = LogStore::open(dir.path(), &[1]).unwrap();
    let config = raft::Config {
        id: 1,
        election_tick: 10,
        heartbeat_tick: 3,
        pre_vote: true,
        check_quorum: true,
        ..Default::default()
    };
    let logger = slog::Logger::root(slog::Discard, slog::o!());
    let mut node = raft::RawNode::new(&config, log, &logger).unwrap();
    node.campaign().unwrap();
    let mut committed = Vec::new();
    let mut proposed = false;
    for _ in 0..50 {
        if node.raft.state == raft::StateRole::Leader && !proposed {
            for i in 0..3u8 {
                node.propose(vec![], vec![i]).unwrap();
            }
            proposed = true;
        }
        if !node.has_ready() {
            node.tick();
            continue;
        }
        let mut ready = node.ready();
        node.raft
            .raft_log
            .store
            .persist(None, ready.entries(), ready.hs())
            .unwrap();
        for e in ready.take_committed_entries() {
            if !e.data.is_empty() {
                committed.push(e.data.to_vec());
            }
        }
        let mut light = node.advance(ready);
        for e in light.take_committed_entries() {
            if !e.data.is_empty() {
                committed.push(e.data.to_vec());
            }
        }
        node.advance_apply();
    }
    assert_eq!(committed, vec![vec![0], vec![1], vec![2]]);
}

/// The in-memory tail answers exactly what the disk does: random appends (some replacing a
/// conflicting suffix, some longer than the tail holds), compactions and a snapshot install,
/// checked after each step against a model of the log and, every few steps, against the same
/// store reopened (which starts with an empty tail and reads RocksDB).
#[test]
fn the_in_memory_tail_answers_what_the_disk_holds() {
    use sl_coordinator::log_store::TAIL_ENTRIES_MAX;
    let dir = tempfile::tempdir().unwrap();
    let mut log = LogStore::open(dir.path(), &[]).unwrap();
    // The model: every entry still in the log, from index `first` on.
    let mut model: Vec<Entry> = Vec::new();
    let mut first = 1u64;
    let mut term = 1u64;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n.max(1)
    };
    let check = |log: &LogStore, model: &[Entry], first: u64| {
        let last = first + model.len() as u64 - 1;
        assert_eq!(log.first_index().unwrap(), first);
        assert_eq!(log.last_index().unwrap(), last);
        for (i, e) in model.iter().enumerate() {
            assert_eq!(
                log.term(first + i as u64).unwrap(),
                e.term,
                "term of {}",
                e.index
            );
        }
        let low = first + model.len() as u64 / 3;
        assert_eq!(
            log.entries(low, last + 1, None, ctx()).unwrap(),
            model[(low - first) as usize..].to_vec()
        );
        assert!(matches!(
            log.entries(first, last + 2, None, ctx()),
            Err(raft::Error::Store(StorageError::Unavailable))
        ));
    };
    for step in 0..60u64 {
        match next(10) {
            // A new leader replaces a suffix.
            0..=2 if model.len() > 2 => {
                term += 1;
                let from = first + 1 + next(model.len() as u64 - 1);
                let count = 1 + next(20);
                model.truncate((from - first) as usize);
                for i in 0..count {
                    model.push(entry(from + i, term, &[step as u8, i as u8]));
                }
                log.persist(None, &model[(from - first) as usize..], None)
                    .unwrap();
            }
            // Compaction, keeping a few entries before the snapshot.
            3 if model.len() > 10 => {
                let last = first + model.len() as u64 - 1;
                let at = first + next(model.len() as u64 - 5);
                let keep = next(4);
                let mut conf = ConfState::default();
                conf.voters = vec![1];
                log.compact(at.min(last), conf, b"state".to_vec(), keep)
                    .unwrap();
                let new_first = log.first_index().unwrap();
                model.drain(..(new_first - first) as usize);
                first = new_first;
            }
            // Now and then more entries at once than the tail keeps.
            4 if step % 20 == 4 => {
                let from = first + model.len() as u64;
                let count = TAIL_ENTRIES_MAX as u64 + 10;
                let batch: Vec<Entry> = (0..count).map(|i| entry(from + i, term, b"b")).collect();
                log.persist(None, &batch, None).unwrap();
                model.extend(batch);
            }
            _ => {
                let from = first + model.len() as u64;
                let count = 1 + next(30);
                let batch: Vec<Entry> = (0..count).map(|i| entry(from + i, term, b"a")).collect();
                log.persist(None, &batch, None).unwrap();
                model.extend(batch);
            }
        }
        if model.is_empty() {
            continue;
        }
        check(&log, &model, first);
        if step % 15 == 14 {
            drop(log);
            log = LogStore::open(dir.path(), &[]).unwrap();
            check(&log, &model, first);
        }
    }
    // An installed snapshot replaces the whole log, tail included.
    let mut snapshot = raft::eraftpb::Snapshot::default();
    let last = first + model.len() as u64 - 1;
    snapshot.mut_metadata().index = last + 100;
    snapshot.mut_metadata().term = term + 1;
    snapshot.mut_metadata().mut_conf_state().voters = vec![1];
    log.persist(Some(&snapshot), &[], None).unwrap();
    assert_eq!(log.last_index().unwrap(), last + 100);
    assert!(log.term(last).is_err(), "no entry of the old log is left");
    log.persist(None, &[entry(last + 101, term + 1, b"n")], None)
        .unwrap();
    assert_eq!(
        log.entries(last + 101, last + 102, None, ctx())
            .unwrap()
            .len(),
        1
    );
}
