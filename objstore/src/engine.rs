//! One node's object engine: RocksDB with a `data` column family (values ≥ 64 KiB in blob files,
//! so they never churn compaction) and a `meta` column family (label, length, checksum). Both are
//! written in one synced batch: an acknowledged put is on disk. Concurrent synced writes share
//! fsyncs through RocksDB's write-group commit. Objects of at least [`FILE_BYTES_MIN`]
//! (8–64 MiB tiles, large checkpoints) keep their bytes in write-once files instead, written
//! before their metadata (see [`crate::files`]).
//!
//! Objects are immutable and write-once: a put of identical bytes succeeds (idempotent
//! re-execution), a put of different bytes fails. Every read verifies the checksum. The engine is
//! blocking; callers on an async runtime go through `spawn_blocking` (see `store`).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use rocksdb::{
    ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options, WriteBatch, WriteOptions,
};
use sl_labels::Label;
use sl_rpc::Aligned;
use xxhash_rust::xxh3::xxh3_64;

use crate::files::{FILE_BYTES_MIN, Files};

/// The longest key.
pub const KEY_BYTES_MAX: usize = 512;
/// The largest object: a 64 MiB tile with room for headers.
pub const OBJECT_BYTES_MAX: usize = 256 << 20;
/// The most keys one `list` or `scan` call returns.
pub const LIST_KEYS_MAX: usize = 10_000;
/// Values at least this large go to blob files.
const BLOB_BYTES_MIN: u64 = 64 << 10;
/// Stripes of the write-once lock (check-then-write must be atomic per key).
const WRITE_LOCK_STRIPES: usize = 64;

const DATA: &str = "data";
const META: &str = "meta";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("storage error: {0}")]
    Rocks(#[from] rocksdb::Error),
    #[error("key of {0} bytes exceeds the {KEY_BYTES_MAX}-byte limit")]
    KeyTooLong(usize),
    #[error("empty key")]
    EmptyKey,
    #[error("object of {0} bytes exceeds the {OBJECT_BYTES_MAX}-byte limit")]
    TooLarge(usize),
    #[error("object `{0}` already exists with different contents; objects are write-once")]
    WriteOnce(String),
    #[error("object `{key}` is corrupt on this node ({reason})")]
    Corrupt { key: String, reason: String },
    #[error("column family `{0}` is missing")]
    MissingColumnFamily(&'static str),
    #[error("object file of `{key}`: {source}")]
    File { key: String, source: std::io::Error },
    #[error("object files: {0}")]
    Files(std::io::Error),
}

/// What the engine keeps about an object besides its bytes.
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Meta {
    pub label: Label,
    pub len: u64,
    pub checksum: u64,
}

/// An object read back: its label, and its bytes in a 16-byte-aligned buffer.
pub struct Object {
    pub label: Label,
    pub bytes: Aligned,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Put {
    Created,
    AlreadyPresent,
}

pub struct Engine {
    db: DB,
    files: Files,
    write_locks: Vec<Mutex<()>>,
}

/// Whether an object of `len` bytes keeps them in a file (decided by length alone, so the
/// metadata needs no flag).
fn in_file(len: u64) -> bool {
    len >= FILE_BYTES_MIN as u64
}

fn decode_meta(key: &[u8], raw: &[u8]) -> Result<Meta, Error> {
    let mut aligned = Aligned::with_capacity(raw.len());
    aligned.extend_from_slice(raw);
    rkyv::from_bytes::<Meta, rkyv::rancor::Error>(&aligned).map_err(|e| Error::Corrupt {
        key: show(key),
        reason: format!("metadata: {e}"),
    })
}

pub fn checksum(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

fn check_key(key: &[u8]) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::EmptyKey);
    }
    if key.len() > KEY_BYTES_MAX {
        return Err(Error::KeyTooLong(key.len()));
    }
    Ok(())
}

/// Checks the bounds of a write and describes the object it stores.
fn describe(key: &[u8], bytes: &[u8], label: &Label) -> Result<Meta, Error> {
    check_key(key)?;
    if bytes.len() > OBJECT_BYTES_MAX {
        return Err(Error::TooLarge(bytes.len()));
    }
    Ok(Meta {
        label: label.clone(),
        len: bytes.len() as u64,
        checksum: checksum(bytes),
    })
}

fn show(key: &[u8]) -> String {
    String::from_utf8_lossy(key).into_owned()
}

impl Engine {
    pub fn open(path: &Path) -> Result<Engine, Error> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        options.set_max_background_jobs(2);
        let mut data = Options::default();
        data.set_enable_blob_files(true);
        data.set_min_blob_size(BLOB_BYTES_MIN);
        data.set_blob_file_size(256 << 20);
        // Tiles arrive 8-32 MiB at a time: with the default two 64 MiB memtables a burst of
        // writes stalled behind the flush of the previous eight tiles.
        data.set_write_buffer_size(128 << 20);
        data.set_max_write_buffer_number(4);
        let meta = Options::default();
        let db = DB::open_cf_descriptors(
            &options,
            path,
            vec![
                ColumnFamilyDescriptor::new(DATA, data),
                ColumnFamilyDescriptor::new(META, meta),
            ],
        )?;
        let engine = Engine {
            db,
            files: Files::open(path.join("files")).map_err(Error::Files)?,
            write_locks: (0..WRITE_LOCK_STRIPES).map(|_| Mutex::new(())).collect(),
        };
        engine.sweep_files()?;
        Ok(engine)
    }

    /// Removes object files no metadata names (a crash between a file and its metadata).
    fn sweep_files(&self) -> Result<(), Error> {
        let mut keep = HashSet::new();
        for item in self.db.iterator_cf(self.cf(META)?, IteratorMode::Start) {
            let (key, raw) = item?;
            if decode_meta(&key, &raw).is_ok_and(|meta| in_file(meta.len)) {
                keep.insert(Files::name(&key));
            }
        }
        let removed = self.files.sweep(&keep).map_err(Error::Files)?;
        if removed > 0 {
            tracing::info!(removed, "removed object files without metadata");
        }
        Ok(())
    }

    fn cf(&self, name: &'static str) -> Result<&rocksdb::ColumnFamily, Error> {
        self.db
            .cf_handle(name)
            .ok_or(Error::MissingColumnFamily(name))
    }

    /// Synced writes go through the WAL and fsync it. Buffered ones go through the WAL without
    /// the fsync: a process killed right after (kill -9, a crash of slnode) loses nothing, since
    /// the log's bytes are in the kernel's page cache; only the machine losing power can lose
    /// them, and the object has a replica on another machine. (Skipping the WAL altogether
    /// saved a third of a LAmbdaPACK run's CPU, but slchaos showed what it costs: kill -9 of
    /// the two nodes holding a tile lost it, and the run failed.)
    fn write_options(buffered: bool) -> WriteOptions {
        let mut options = WriteOptions::default();
        options.set_sync(!buffered);
        options
    }

    /// Stores `bytes` under `key` at `label`, durably. Identical bytes and label again succeed.
    pub fn put(&self, key: &[u8], bytes: &[u8], label: &Label) -> Result<Put, Error> {
        self.put_with(key, bytes, label, false)
    }

    /// [`Engine::put`]; `buffered` does not wait for the write-ahead log to reach the disk: the
    /// object survives the process being killed, not the machine losing power. For data that
    /// is replicated on other machines (a LAmbdaPACK run's intermediate tiles): a reader finds
    /// another replica, and repair restores this one.
    pub fn put_with(
        &self,
        key: &[u8],
        bytes: &[u8],
        label: &Label,
        buffered: bool,
    ) -> Result<Put, Error> {
        let meta = describe(key, bytes, label)?;
        let _guard = self.lock(key);
        if let Some(existing) = self.meta(key)? {
            return if existing == meta {
                Ok(Put::AlreadyPresent)
            } else {
                Err(Error::WriteOnce(show(key)))
            };
        }
        self.write(key, bytes, &meta, buffered)?;
        Ok(Put::Created)
    }

    /// Replaces a corrupt or missing copy with good bytes. Refuses bytes that disagree with a
    /// recorded checksum, so repair can never change an object's contents.
    pub fn repair(&self, key: &[u8], bytes: &[u8], label: &Label) -> Result<(), Error> {
        let meta = describe(key, bytes, label)?;
        let _guard = self.lock(key);
        if let Ok(Some(existing)) = self.meta(key)
            && existing != meta
        {
            return Err(Error::WriteOnce(show(key)));
        }
        self.write(key, bytes, &meta, false)
    }

    /// The write-once check and the write must be atomic per key: one stripe of locks per key.
    fn lock(&self, key: &[u8]) -> std::sync::MutexGuard<'_, ()> {
        let stripe = (xxh3_64(key) as usize) % WRITE_LOCK_STRIPES;
        self.write_locks[stripe]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Data and metadata in one batch (synced unless `buffered`): both or neither survive a crash.
    /// A large object's file is whole (and synced unless `buffered`) before its metadata is
    /// written.
    fn write(&self, key: &[u8], bytes: &[u8], meta: &Meta, buffered: bool) -> Result<(), Error> {
        let encoded = rkyv::to_bytes::<rkyv::rancor::Error>(meta).map_err(|e| Error::Corrupt {
            key: show(key),
            reason: e.to_string(),
        })?;
        let mut batch = WriteBatch::default();
        if in_file(meta.len) {
            self.files
                .write(key, bytes, !buffered)
                .map_err(|source| Error::File {
                    key: show(key),
                    source,
                })?;
        } else {
            batch.put_cf(self.cf(DATA)?, key, bytes);
        }
        batch.put_cf(self.cf(META)?, key, &encoded);
        self.db.write_opt(batch, &Engine::write_options(buffered))?;
        Ok(())
    }

    pub fn meta(&self, key: &[u8]) -> Result<Option<Meta>, Error> {
        check_key(key)?;
        let Some(raw) = self.db.get_pinned_cf(self.cf(META)?, key)? else {
            return Ok(None);
        };
        decode_meta(key, &raw).map(Some)
    }

    /// Whether `key`'s object keeps its bytes in a file (a corrupt record counts as yes: the
    /// file, if any, should go with it).
    fn has_file(&self, key: &[u8], raw: Option<&[u8]>) -> bool {
        raw.is_some_and(|raw| decode_meta(key, raw).map_or(true, |meta| in_file(meta.len)))
    }

    /// Reads and verifies an object. A checksum mismatch is `Error::Corrupt`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Object>, Error> {
        let Some(meta) = self.meta(key)? else {
            return Ok(None);
        };
        if in_file(meta.len) {
            match self.files.read(key, meta.len) {
                Ok(Some(bytes)) => return Engine::verified(key, meta, bytes),
                // A store written before large objects moved to files holds them in RocksDB.
                Ok(None) => {}
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(Error::Corrupt {
                        key: show(key),
                        reason: e.to_string(),
                    });
                }
                Err(source) => {
                    return Err(Error::File {
                        key: show(key),
                        source,
                    });
                }
            }
        }
        // Our own checksum (below) covers the bytes end to end, so RocksDB's second pass over a
        // blob (its CRC) is skipped: it was a sixth of the CPU of reading 8 MiB tiles.
        let mut options = rocksdb::ReadOptions::default();
        options.set_verify_checksums(false);
        let Some(raw) = self.db.get_pinned_cf_opt(self.cf(DATA)?, key, &options)? else {
            return Err(Error::Corrupt {
                key: show(key),
                reason: "metadata without data".into(),
            });
        };
        let mut bytes = Aligned::with_capacity(raw.len());
        bytes.extend_from_slice(&raw);
        Engine::verified(key, meta, bytes)
    }

    fn verified(key: &[u8], meta: Meta, bytes: Aligned) -> Result<Option<Object>, Error> {
        if bytes.len() as u64 != meta.len || checksum(&bytes) != meta.checksum {
            return Err(Error::Corrupt {
                key: show(key),
                reason: "checksum mismatch".into(),
            });
        }
        Ok(Some(Object {
            label: meta.label,
            bytes,
        }))
    }

    /// Removes `key`'s file unless a put made the object again since its metadata was deleted.
    fn remove_file(&self, key: &[u8]) -> Result<(), Error> {
        let _guard = self.lock(key);
        if self.meta(key)?.is_none() {
            self.files.remove(key).map_err(|source| Error::File {
                key: show(key),
                source,
            })?;
        }
        Ok(())
    }

    pub fn delete(&self, key: &[u8]) -> Result<(), Error> {
        check_key(key)?;
        let has_file = self.has_file(key, self.db.get_pinned_cf(self.cf(META)?, key)?.as_deref());
        let mut batch = WriteBatch::default();
        batch.delete_cf(self.cf(DATA)?, key);
        batch.delete_cf(self.cf(META)?, key);
        self.db.write_opt(batch, &Engine::write_options(false))?;
        if has_file {
            self.remove_file(key)?;
        }
        Ok(())
    }

    /// Objects held and their total size. Walks the metadata (small records), so it costs a scan
    /// of the metadata column family; `slnode status` calls it, nothing on a hot path does.
    pub fn stats(&self) -> Result<(u64, u64), Error> {
        let mut objects = 0u64;
        let mut bytes = 0u64;
        for item in self.db.iterator_cf(self.cf(META)?, IteratorMode::Start) {
            let (_, raw) = item?;
            let mut aligned = Aligned::with_capacity(raw.len());
            aligned.extend_from_slice(&raw);
            if let Ok(meta) = rkyv::from_bytes::<Meta, rkyv::rancor::Error>(&aligned) {
                objects += 1;
                bytes += meta.len;
            }
        }
        Ok((objects, bytes))
    }

    /// Keys starting with `prefix`, in order, after `after` (exclusive), at most `limit`.
    pub fn list(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, Error> {
        let mut keys = Vec::new();
        self.scan(prefix, after, limit, |key, _| keys.push(key.to_vec()))?;
        Ok(keys)
    }

    /// Calls `each` with the key and raw metadata of up to `limit` objects under `prefix`, in
    /// key order, after `after`.
    fn scan(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
        mut each: impl FnMut(&[u8], &[u8]),
    ) -> Result<(), Error> {
        let start = after.unwrap_or(prefix);
        let mut seen = 0;
        for item in self.db.iterator_cf(
            self.cf(META)?,
            IteratorMode::From(start, Direction::Forward),
        ) {
            let (key, raw) = item?;
            if !key.starts_with(prefix) || seen >= limit.min(LIST_KEYS_MAX) {
                break;
            }
            if after.is_some_and(|a| &key[..] == a) {
                continue;
            }
            each(&key, &raw);
            seen += 1;
        }
        Ok(())
    }

    /// Deletes every object under `prefix` (GC of a finished job); returns how many.
    pub fn delete_prefix(&self, prefix: &[u8]) -> Result<usize, Error> {
        let mut deleted = 0;
        loop {
            // With each key, whether its bytes are in a file (read before the metadata goes).
            let mut keys = Vec::new();
            self.scan(prefix, None, 1000, |key, raw| {
                keys.push((key.to_vec(), self.has_file(key, Some(raw))));
            })?;
            if keys.is_empty() {
                return Ok(deleted);
            }
            let mut batch = WriteBatch::default();
            for (key, _) in &keys {
                batch.delete_cf(self.cf(DATA)?, key);
                batch.delete_cf(self.cf(META)?, key);
            }
            self.db.write_opt(batch, &Engine::write_options(false))?;
            for (key, has_file) in &keys {
                if *has_file {
                    self.remove_file(key)?;
                }
            }
            deleted += keys.len();
        }
    }

    /// Overwrites an object's bytes behind its metadata's back: bit rot, for tests and drills.
    #[doc(hidden)]
    pub fn damage_for_test(&self, key: &[u8]) -> Result<(), Error> {
        if self.files.damage(key).map_err(Error::Files)? {
            return Ok(());
        }
        let Some(raw) = self.db.get_pinned_cf(self.cf(DATA)?, key)? else {
            return Ok(());
        };
        let mut bytes = raw.to_vec();
        if let Some(first) = bytes.first_mut() {
            *first ^= 0xff;
        }
        self.db
            .put_cf_opt(self.cf(DATA)?, key, bytes, &Engine::write_options(false))?;
        Ok(())
    }
}

/// A tile: `rows × cols` f64 values, column-major, stored after a 16-byte header so the values
/// start 16-byte aligned in the buffer a read returns.
pub mod tile {
    use super::Aligned;

    const HEADER_BYTES: usize = 16;

    pub fn encode(rows: usize, cols: usize, values: &[f64]) -> Option<Vec<u8>> {
        if values.len() != rows.checked_mul(cols)? {
            return None;
        }
        let mut out = Vec::with_capacity(HEADER_BYTES + values.len() * 8);
        out.extend_from_slice(&(rows as u64).to_le_bytes());
        out.extend_from_slice(&(cols as u64).to_le_bytes());
        if cfg!(target_endian = "little") {
            // One copy of the whole tile instead of a push per value (a 32 MiB tile is 4 million
            // of them, on the path from kernel to store).
            // SAFETY: an f64 is 8 bytes with no padding and every byte is initialised; u8 needs
            // no alignment; the length is the slice's own size in bytes.
            let bytes = unsafe {
                std::slice::from_raw_parts(
                    values.as_ptr().cast::<u8>(),
                    std::mem::size_of_val(values),
                )
            };
            out.extend_from_slice(bytes);
        } else {
            for v in values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        Some(out)
    }

    /// A tile read back: its shape and values, borrowed from the read buffer without copying.
    pub struct TileView<'a> {
        pub rows: usize,
        pub cols: usize,
        pub values: &'a [f64],
    }

    pub fn view(bytes: &Aligned) -> Option<TileView<'_>> {
        let rows = u64::from_le_bytes(bytes.get(0..8)?.try_into().ok()?) as usize;
        let cols = u64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?) as usize;
        let data = bytes.get(HEADER_BYTES..)?;
        if data.len() != rows.checked_mul(cols)?.checked_mul(8)? || !cfg!(target_endian = "little")
        {
            return None;
        }
        // SAFETY: the buffer is 16-byte aligned and the header is 16 bytes, so `data` is 8-byte
        // aligned; its length is exactly rows·cols·8; every bit pattern is a valid f64.
        let values =
            unsafe { std::slice::from_raw_parts(data.as_ptr().cast::<f64>(), rows * cols) };
        Some(TileView { rows, cols, values })
    }
}
