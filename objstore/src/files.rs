//! Large objects' bytes as write-once files beside the RocksDB engine.
//!
//! Why: RocksDB handles an 8 MiB tile three or four times — the write-ahead log, the memtable,
//! the blob file at flush (with its CRC), the blob read and a copy out of it — and profiling a
//! LAmbdaPACK run on the cluster showed that handling as most of the CPU. A file is written once
//! (into the page cache; fsynced only for a synced put) and read once, straight into the aligned
//! buffer a reader gets. The engine keeps an object's metadata in RocksDB as before; an object of
//! at least [`FILE_BYTES_MIN`] has its bytes here, under a name derived from its key.
//!
//! Crash safety: bytes are written to a temporary name and renamed into place before the
//! metadata is written, so metadata never names a file that is not whole. A crash between the
//! two leaves a file without metadata; [`Files::sweep`] removes such files when the engine opens.
//! Deleting removes the metadata first, then the file (a crash in between, again, a file without
//! metadata).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use sl_rpc::Aligned;
use xxhash_rust::xxh3::xxh3_128;

/// Objects at least this large keep their bytes in a file. Below it RocksDB's per-write cost is
/// the smaller one (one WAL append shared by a write group; no file to create, sync and rename).
pub const FILE_BYTES_MIN: usize = 1 << 20;

const TEMPORARY: &str = ".partial";

/// A directory of object files, fanned out over 256 subdirectories by the name's first byte.
pub struct Files {
    dir: PathBuf,
    /// Makes temporary names unique among concurrent writers of this process.
    next_temporary: AtomicU64,
}

impl Files {
    pub fn open(dir: PathBuf) -> io::Result<Files> {
        fs::create_dir_all(&dir)?;
        Ok(Files {
            dir,
            next_temporary: AtomicU64::new(0),
        })
    }

    /// The file name of `key`'s bytes: a 128-bit hash, so any key (up to 512 bytes of anything)
    /// makes a short, safe name. A collision would show as a checksum mismatch on read.
    pub fn name(key: &[u8]) -> String {
        format!("{:032x}", xxh3_128(key))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(&name[..2]).join(name)
    }

    /// Writes `bytes` as `key`'s file, replacing any earlier one atomically. `sync` makes it
    /// durable (file and directory) before returning; otherwise it is in the page cache, which
    /// survives the process, not the machine.
    pub fn write(&self, key: &[u8], bytes: &[u8], sync: bool) -> io::Result<()> {
        let name = Files::name(key);
        let path = self.path(&name);
        let parent = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent)?;
        let n = self.next_temporary.fetch_add(1, Ordering::Relaxed);
        let temporary = parent.join(format!("{name}.{}.{n}{TEMPORARY}", std::process::id()));
        let written = (|| {
            let mut file = File::create(&temporary)?;
            file.write_all(bytes)?;
            if sync {
                file.sync_data()?;
            }
            fs::rename(&temporary, &path)?;
            if sync {
                File::open(parent)?.sync_all()?;
            }
            Ok(())
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }

    /// `key`'s bytes, expected to be `len` long; `None` when there is no file. A file of another
    /// length is an error (`InvalidData`), as is one that changes while read.
    pub fn read(&self, key: &[u8], len: u64) -> io::Result<Option<Aligned>> {
        let mut file = match File::open(self.path(&Files::name(key))) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let actual = file.metadata()?.len();
        if actual != len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("file holds {actual} bytes, metadata says {len}"),
            ));
        }
        let len = usize::try_from(len).map_err(|_| io::ErrorKind::InvalidData)?;
        let mut bytes = Aligned::with_capacity(len);
        bytes.resize(len, 0);
        file.read_exact(&mut bytes[..])?;
        Ok(Some(bytes))
    }

    /// Removes `key`'s file; a missing one is not an error.
    pub fn remove(&self, key: &[u8]) -> io::Result<()> {
        match fs::remove_file(self.path(&Files::name(key))) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes every file whose name is not in `keep` (files of objects whose metadata was never
    /// written or already deleted) and every temporary file; returns how many went.
    pub fn sweep(&self, keep: &HashSet<String>) -> io::Result<usize> {
        let mut removed = 0;
        for shard in fs::read_dir(&self.dir)? {
            let shard = shard?.path();
            if !shard.is_dir() {
                continue;
            }
            for file in fs::read_dir(&shard)? {
                let path = file?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if !keep.contains(name) {
                    fs::remove_file(&path)?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Flips the first byte of `key`'s file, if there is one: bit rot, for tests and drills.
    pub fn damage(&self, key: &[u8]) -> io::Result<bool> {
        let path = self.path(&Files::name(key));
        let mut bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        if let Some(first) = bytes.first_mut() {
            *first ^= 0xff;
        }
        fs::write(&path, bytes)?;
        Ok(true)
    }
}
