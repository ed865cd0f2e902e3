//! The Raft log on RocksDB: a `raft::Storage` that survives kill -9 at any point.
//!
//! One column family holds the hard state, the conf state, the latest snapshot (metadata and
//! state-machine bytes) and the entries, keyed `e` + big-endian index so they sort in log order.
//! Everything one `Ready` asks to persist — entries, hard state, snapshot — goes in one synced
//! write batch, so a crash leaves either all of it or none. The newest entries also stay in
//! memory once persisted (a bounded tail), so raft's reads near the end of the log — entries
//! to apply or send, terms to check — cost no RocksDB read and no decode.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::RwLock;

use raft::eraftpb::{ConfState, Entry, HardState, Snapshot};
use raft::{GetEntriesContext, RaftState, Storage, StorageError};
use rocksdb::{
    ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options, WriteBatch, WriteOptions,
};

const CF: &str = "raft";
const HARD_STATE: &[u8] = b"hs";
const SNAPSHOT: &[u8] = b"sn";
/// The truncation boundary `(index, term)`: entries up to `index` are gone. It may lie below the
/// snapshot's index: compaction keeps a tail of entries before the snapshot, so a follower a
/// little behind catches up from entries instead of a whole snapshot.
const TRUNCATED: &[u8] = b"tr";

/// Index and term of a new cluster's first snapshot, which names the bootstrap voters. Starting
/// above 0 (as TiKV does) means a node that joins later can never be sent the log from index 1,
/// where the bootstrap voters appear in no entry: its first message from the leader is a snapshot,
/// whose conf state names them, and it replays every later conf change as an entry.
pub const BOOTSTRAP_INDEX: u64 = 5;
pub const BOOTSTRAP_TERM: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("raft log storage: {0}")]
    Rocks(#[from] rocksdb::Error),
    #[error("raft log storage holds undecodable {what}: {reason}")]
    Decode { what: &'static str, reason: String },
    #[error("the raft log's column family is missing")]
    MissingColumnFamily,
    #[error("cannot compact to {index}: the log holds {first}..={last}")]
    Compact { index: u64, first: u64, last: u64 },
}

fn boundary((index, term): (u64, u64)) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&index.to_be_bytes());
    bytes[8..].copy_from_slice(&term.to_be_bytes());
    bytes
}

fn entry_key(index: u64) -> [u8; 9] {
    let mut key = [b'e'; 9];
    key[1..].copy_from_slice(&index.to_be_bytes());
    key
}

/// What the log keeps in memory to answer `Storage` calls without a read.
struct Cache {
    hard_state: HardState,
    snapshot: Snapshot,
    /// Index of the last entry (or the snapshot's index when there are none).
    last: u64,
    /// `(index, term)` of the last entry dropped; the log starts after it.
    truncated: (u64, u64),
    /// The newest entries, as persisted: raft reads entries back to apply them and to send them
    /// to followers, and terms for every append it checks, almost always near the end of the
    /// log. Contiguous, a suffix of the log (its last entry is `last`), at most
    /// [`TAIL_ENTRIES_MAX`] entries and about [`TAIL_BYTES_MAX`] bytes (entry data is shared
    /// with raft's own copies). Empty after a restart or a snapshot, then refilled by appends.
    tail: VecDeque<Entry>,
    tail_bytes: usize,
}

/// Bounds of [`Cache::tail`].
pub const TAIL_ENTRIES_MAX: usize = 1 << 13;
pub const TAIL_BYTES_MAX: usize = 32 << 20;

impl Cache {
    /// The tail's entries `low..high`, when it holds them all.
    fn tail_range(&self, low: u64, high: u64) -> Option<Vec<Entry>> {
        let first = self.tail.front()?.index;
        let last = self.tail.back()?.index;
        if low < first || high > last + 1 || low > high {
            return None;
        }
        let start = (low - first) as usize;
        let end = (high - first) as usize;
        Some(self.tail.range(start..end).cloned().collect())
    }

    fn tail_term(&self, index: u64) -> Option<u64> {
        let first = self.tail.front()?.index;
        let entry = self.tail.get(index.checked_sub(first)? as usize)?;
        debug_assert_eq!(entry.index, index, "the tail is contiguous");
        Some(entry.term)
    }

    fn entry_bytes(entry: &Entry) -> usize {
        entry.data.len() + entry.context.len() + 64
    }

    /// Keeps the tail a suffix of the log after `entries` (contiguous, already persisted)
    /// replaced everything from their first index on.
    fn append_tail(&mut self, entries: &[Entry]) {
        let Some(first_new) = entries.first().map(|e| e.index) else {
            return;
        };
        while let Some(dropped) = self.tail.pop_back_if(|e| e.index >= first_new) {
            self.tail_bytes -= Cache::entry_bytes(&dropped);
        }
        if self.tail.back().is_some_and(|e| e.index + 1 != first_new) {
            self.clear_tail();
        }
        for entry in entries {
            self.tail_bytes += Cache::entry_bytes(entry);
            self.tail.push_back(entry.clone());
        }
        while self.tail.len() > TAIL_ENTRIES_MAX || self.tail_bytes > TAIL_BYTES_MAX {
            let Some(dropped) = self.tail.pop_front() else {
                break;
            };
            self.tail_bytes -= Cache::entry_bytes(&dropped);
        }
    }

    /// Drops the tail's entries up to `index` (compacted away).
    fn trim_tail(&mut self, index: u64) {
        while let Some(dropped) = self.tail.pop_front_if(|e| e.index <= index) {
            self.tail_bytes -= Cache::entry_bytes(&dropped);
        }
    }

    fn clear_tail(&mut self) {
        self.tail.clear();
        self.tail_bytes = 0;
    }
}

pub struct LogStore {
    db: DB,
    cache: RwLock<Cache>,
    /// Set when raft asked for a snapshot the stored one cannot serve (older than requested, or
    /// from before the recipient was a member: raft-rs refuses a snapshot whose conf state does
    /// not name it). The replica then compacts at its applied index, which makes a fresh one.
    snapshot_wanted: std::sync::atomic::AtomicBool,
}

fn decode<M: protobuf::Message>(what: &'static str, bytes: &[u8]) -> Result<M, Error> {
    M::parse_from_bytes(bytes).map_err(|e| Error::Decode {
        what,
        reason: e.to_string(),
    })
}

fn encode<M: protobuf::Message>(what: &'static str, message: &M) -> Result<Vec<u8>, Error> {
    message.write_to_bytes().map_err(|e| Error::Decode {
        what,
        reason: e.to_string(),
    })
}

fn storage_error(error: Error) -> raft::Error {
    raft::Error::Store(StorageError::Other(Box::new(error)))
}

impl LogStore {
    /// Opens (or creates) the log. A new log for the bootstrap `voters` starts with a snapshot at
    /// [`BOOTSTRAP_INDEX`] that names them; a node that will join an existing cluster passes no
    /// voters and starts empty at index 0, waiting for the leader's snapshot.
    pub fn open(path: &Path, voters: &[u64]) -> Result<LogStore, Error> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        let db = DB::open_cf_descriptors(
            &options,
            path,
            vec![ColumnFamilyDescriptor::new(CF, Options::default())],
        )?;
        let store = LogStore {
            db,
            cache: RwLock::new(Cache {
                hard_state: HardState::default(),
                snapshot: Snapshot::default(),
                last: 0,
                truncated: (0, 0),
                tail: VecDeque::new(),
                tail_bytes: 0,
            }),
            snapshot_wanted: std::sync::atomic::AtomicBool::new(false),
        };
        let cf = store.cf()?;
        let stored_snapshot = store.db.get_cf(cf, SNAPSHOT)?;
        let fresh = stored_snapshot.is_none() && !voters.is_empty();
        let hard_state = match store.db.get_cf(cf, HARD_STATE)? {
            Some(bytes) => decode("hard state", &bytes)?,
            None if fresh => HardState {
                term: BOOTSTRAP_TERM,
                commit: BOOTSTRAP_INDEX,
                ..Default::default()
            },
            None => HardState::default(),
        };
        let snapshot = match stored_snapshot {
            Some(bytes) => decode("snapshot", &bytes)?,
            None => {
                let mut snapshot = Snapshot::default();
                if fresh {
                    let metadata = snapshot.mut_metadata();
                    metadata.index = BOOTSTRAP_INDEX;
                    metadata.term = BOOTSTRAP_TERM;
                    metadata.mut_conf_state().voters = voters.to_vec();
                }
                snapshot
            }
        };
        if fresh {
            // Durable before anything else happens, so a restart (even with no voters given)
            // finds the bootstrap configuration.
            let mut batch = WriteBatch::default();
            batch.put_cf(cf, SNAPSHOT, encode("snapshot", &snapshot)?);
            batch.put_cf(cf, HARD_STATE, encode("hard state", &hard_state)?);
            let mut options = WriteOptions::default();
            options.set_sync(true);
            store.db.write_opt(batch, &options)?;
        }
        let last = match store
            .db
            .iterator_cf(
                cf,
                IteratorMode::From(&entry_key(u64::MAX), Direction::Reverse),
            )
            .next()
        {
            Some(item) => {
                let (key, _) = item?;
                if key.first() == Some(&b'e') && key.len() == 9 {
                    u64::from_be_bytes(key[1..].try_into().expect("9-byte key"))
                } else {
                    snapshot.get_metadata().index
                }
            }
            None => snapshot.get_metadata().index,
        };
        let last = last.max(snapshot.get_metadata().index);
        let truncated = match store.db.get_cf(cf, TRUNCATED)? {
            Some(bytes) if bytes.len() == 16 => (
                u64::from_be_bytes(bytes[..8].try_into().expect("16 bytes")),
                u64::from_be_bytes(bytes[8..].try_into().expect("16 bytes")),
            ),
            Some(_) => {
                return Err(Error::Decode {
                    what: "truncation boundary",
                    reason: "not 16 bytes".into(),
                });
            }
            None => (snapshot.get_metadata().index, snapshot.get_metadata().term),
        };
        *store.cache.write().unwrap_or_else(|e| e.into_inner()) = Cache {
            hard_state,
            snapshot,
            last,
            truncated,
            tail: VecDeque::new(),
            tail_bytes: 0,
        };
        Ok(store)
    }

    fn cf(&self) -> Result<&rocksdb::ColumnFamily, Error> {
        self.db.cf_handle(CF).ok_or(Error::MissingColumnFamily)
    }

    fn first(&self, cache: &Cache) -> u64 {
        cache.truncated.0 + 1
    }

    /// Persists what one `Ready` carries, in one synced batch: a snapshot from the leader (which
    /// replaces the whole log, as raft requires), new entries (which replace any conflicting
    /// suffix), the hard state.
    pub fn persist(
        &self,
        snapshot: Option<&Snapshot>,
        entries: &[Entry],
        hard_state: Option<&HardState>,
    ) -> Result<(), Error> {
        let cf = self.cf()?;
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        let snapshot = snapshot.filter(|s| s.get_metadata().index > 0);
        // Only entries, a snapshot, a term or a vote must be on disk before this replica says so
        // to others (its votes and append responses wait for this write). A commit index alone
        // may be lost in a crash — Raft learns it again from the leader — so a Ready that only
        // moves it (every acknowledgement round at the leader) costs no fsync; nothing at all
        // costs no write.
        let durable = snapshot.is_some()
            || !entries.is_empty()
            || hard_state.is_some_and(|hs| {
                hs.term != cache.hard_state.term || hs.vote != cache.hard_state.vote
            });
        if !durable && hard_state.is_none_or(|hs| *hs == cache.hard_state) {
            return Ok(());
        }
        let mut batch = WriteBatch::default();
        let mut last = cache.last;
        let mut truncated = cache.truncated;
        if let Some(snapshot) = snapshot {
            batch.delete_range_cf(cf, entry_key(0), entry_key(u64::MAX));
            batch.put_cf(cf, SNAPSHOT, encode("snapshot", snapshot)?);
            let metadata = snapshot.get_metadata();
            truncated = (metadata.index, metadata.term);
            batch.put_cf(cf, TRUNCATED, boundary(truncated));
            last = metadata.index;
        }
        if let Some(first_new) = entries.first() {
            assert!(
                entries.windows(2).all(|w| w[1].index == w[0].index + 1),
                "raft hands over contiguous entries"
            );
            // Entries from the first new index on belong to a superseded leader's log. Only delete
            // when they exist: a range tombstone per append would pile up and slow every read.
            if first_new.index <= last {
                batch.delete_range_cf(cf, entry_key(first_new.index), entry_key(last + 1));
            }
            for entry in entries {
                batch.put_cf(cf, entry_key(entry.index), encode("entry", entry)?);
            }
            last = entries.last().expect("non-empty").index;
        }
        if let Some(hard_state) = hard_state {
            batch.put_cf(cf, HARD_STATE, encode("hard state", hard_state)?);
        }
        let mut options = WriteOptions::default();
        options.set_sync(durable);
        self.db.write_opt(batch, &options)?;
        if let Some(snapshot) = snapshot {
            cache.snapshot = snapshot.clone();
            cache.clear_tail();
        }
        if let Some(hard_state) = hard_state {
            cache.hard_state = hard_state.clone();
        }
        cache.append_tail(entries);
        cache.last = last;
        cache.truncated = truncated;
        debug_assert!(cache.tail.back().is_none_or(|e| e.index == last));
        Ok(())
    }

    /// The stored snapshot (what the state machine restarts from).
    pub fn stored_snapshot(&self) -> Snapshot {
        self.cache
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .snapshot
            .clone()
    }

    /// Whether raft asked for a fresher snapshot than the stored one since the last call.
    pub fn take_snapshot_request(&self) -> bool {
        self.snapshot_wanted
            .swap(false, std::sync::atomic::Ordering::SeqCst)
    }

    /// Records a state-machine snapshot at `index` (applied, so committed) and drops the entries
    /// up to `index - keep`, so the log does not grow without bound but a follower up to `keep`
    /// entries behind still catches up from the log.
    pub fn compact(
        &self,
        index: u64,
        conf_state: ConfState,
        data: Vec<u8>,
        keep: u64,
    ) -> Result<(), Error> {
        let term = self.term(index).map_err(|e| Error::Decode {
            what: "term",
            reason: e.to_string(),
        })?;
        let (first, last) = {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            (self.first(&cache), cache.last)
        };
        if index < first.saturating_sub(1) || index > last {
            return Err(Error::Compact { index, first, last });
        }
        let mut snapshot = Snapshot::default();
        snapshot.set_data(data.into());
        let metadata = snapshot.mut_metadata();
        metadata.index = index;
        metadata.term = term;
        metadata.set_conf_state(conf_state);
        // Unlike an installed snapshot, compaction keeps the entries after the boundary.
        let previous = self
            .cache
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .truncated;
        let cut = index.saturating_sub(keep).max(previous.0);
        let truncated = if cut == previous.0 {
            previous
        } else {
            let cut_term = self.term(cut).map_err(|e| Error::Decode {
                what: "term",
                reason: e.to_string(),
            })?;
            (cut, cut_term)
        };
        let cf = self.cf()?;
        let mut batch = WriteBatch::default();
        batch.delete_range_cf(cf, entry_key(0), entry_key(truncated.0 + 1));
        batch.put_cf(cf, SNAPSHOT, encode("snapshot", &snapshot)?);
        batch.put_cf(cf, TRUNCATED, boundary(truncated));
        let mut options = WriteOptions::default();
        options.set_sync(true);
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        self.db.write_opt(batch, &options)?;
        cache.snapshot = snapshot;
        cache.truncated = truncated;
        cache.trim_tail(truncated.0);
        Ok(())
    }
}

impl Storage for LogStore {
    fn initial_state(&self) -> raft::Result<RaftState> {
        let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
        Ok(RaftState {
            hard_state: cache.hard_state.clone(),
            conf_state: cache.snapshot.get_metadata().get_conf_state().clone(),
        })
    }

    fn entries(
        &self,
        low: u64,
        high: u64,
        max_size: impl Into<Option<u64>>,
        _context: GetEntriesContext,
    ) -> raft::Result<Vec<Entry>> {
        let max_size = max_size.into();
        let (first, last) = {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            if low >= self.first(&cache)
                && let Some(mut entries) = cache.tail_range(low, high)
            {
                raft::util::limit_size(&mut entries, max_size);
                return Ok(entries);
            }
            (self.first(&cache), cache.last)
        };
        if low < first {
            return Err(raft::Error::Store(StorageError::Compacted));
        }
        if high > last + 1 {
            return Err(raft::Error::Store(StorageError::Unavailable));
        }
        let cf = self.cf().map_err(storage_error)?;
        let mut entries = Vec::with_capacity((high - low) as usize);
        for item in self
            .db
            .iterator_cf(cf, IteratorMode::From(&entry_key(low), Direction::Forward))
        {
            let (key, value) = item.map_err(|e| storage_error(e.into()))?;
            if key.len() != 9 || key[0] != b'e' {
                break;
            }
            let index = u64::from_be_bytes(key[1..].try_into().expect("9-byte key"));
            if index >= high {
                break;
            }
            entries.push(decode::<Entry>("entry", &value).map_err(storage_error)?);
        }
        if entries.len() as u64 != high - low {
            return Err(raft::Error::Store(StorageError::Unavailable));
        }
        raft::util::limit_size(&mut entries, max_size);
        Ok(entries)
    }

    fn term(&self, index: u64) -> raft::Result<u64> {
        let (snapshot_index, snapshot_term, last, truncated) = {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            if index > cache.truncated.0
                && let Some(term) = cache.tail_term(index)
            {
                return Ok(term);
            }
            (
                cache.snapshot.get_metadata().index,
                cache.snapshot.get_metadata().term,
                cache.last,
                cache.truncated,
            )
        };
        if index == snapshot_index {
            return Ok(snapshot_term);
        }
        if index == truncated.0 {
            return Ok(truncated.1);
        }
        if index < truncated.0 {
            return Err(raft::Error::Store(StorageError::Compacted));
        }
        if index > last {
            return Err(raft::Error::Store(StorageError::Unavailable));
        }
        let cf = self.cf().map_err(storage_error)?;
        match self
            .db
            .get_cf(cf, entry_key(index))
            .map_err(|e| storage_error(e.into()))?
        {
            Some(bytes) => Ok(decode::<Entry>("entry", &bytes)
                .map_err(storage_error)?
                .term),
            None => Err(raft::Error::Store(StorageError::Unavailable)),
        }
    }

    fn first_index(&self) -> raft::Result<u64> {
        let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
        Ok(self.first(&cache))
    }

    fn last_index(&self) -> raft::Result<u64> {
        Ok(self.cache.read().unwrap_or_else(|e| e.into_inner()).last)
    }

    fn snapshot(&self, request_index: u64, to: u64) -> raft::Result<Snapshot> {
        let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
        let metadata = cache.snapshot.get_metadata();
        let conf = metadata.get_conf_state();
        let names_recipient = conf.voters.contains(&to) || conf.learners.contains(&to);
        if metadata.index < request_index || !names_recipient {
            self.snapshot_wanted
                .store(true, std::sync::atomic::Ordering::SeqCst);
            return Err(raft::Error::Store(
                StorageError::SnapshotTemporarilyUnavailable,
            ));
        }
        Ok(cache.snapshot.clone())
    }
}
