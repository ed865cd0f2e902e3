//! Compare-and-set on the faceted KV: with [`crate::Command::KvPut`] and a ReadIndex
//! [`crate::Query::Kv`] it makes each key a linearizable register at one label, which is what
//! `slchaos`'s kv workload checks. Kept apart from `catalog` so the faceted KV can grow (labels,
//! `rt.kv`) without touching it.
//!
//! A CAS is not idempotent: a client that retries one after an unknown outcome may see a
//! mismatch caused by its own first attempt. Clients that need certainty treat an unknown outcome
//! as indeterminate instead of retrying (as `slchaos` does).

use sl_labels::Label;

use crate::machine::{Machine, Reply};

impl Machine {
    /// Writes `value` under `key` at `label` when a reader at `label` sees exactly `expect`
    /// (`None`: nothing); otherwise changes nothing and reports what it saw.
    pub(crate) fn kv_cas(
        &mut self,
        key: &str,
        label: &Label,
        expect: Option<&[u8]>,
        value: &[u8],
    ) -> Reply {
        let current = self.kv_get(key, label).cloned();
        if current.as_deref() != expect {
            return Reply::CasMismatch { current };
        }
        self.kv_put(key, label, value)
    }
}

#[cfg(test)]
mod tests {
    use crate::machine::{Command, Limits, Machine, Reply};
    use crate::query::{Answer, Query};
    use sl_labels::{Lattice, Policy};

    fn cas(m: &mut Machine, expect: Option<&[u8]>, value: &[u8]) -> Reply {
        m.apply(&Command::KvCas {
            key: "r".into(),
            label: Lattice::bottom(&Policy::tags_only()),
            expect: expect.map(<[u8]>::to_vec),
            value: value.to_vec(),
        })
    }

    fn read(m: &Machine) -> Option<Vec<u8>> {
        match m.query(&Query::Kv {
            key: "r".into(),
            reader: Lattice::bottom(&Policy::tags_only()),
        }) {
            Answer::Value(v) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cas_swaps_only_on_the_expected_value() {
        let mut m = Machine::new(Policy::tags_only(), Limits::default());
        assert_eq!(cas(&mut m, None, b"1"), Reply::Ok);
        assert_eq!(
            cas(&mut m, None, b"2"),
            Reply::CasMismatch {
                current: Some(b"1".to_vec())
            }
        );
        assert_eq!(read(&m), Some(b"1".to_vec()));
        assert_eq!(cas(&mut m, Some(b"1"), b"3"), Reply::Ok);
        assert_eq!(read(&m), Some(b"3".to_vec()));
    }
}
