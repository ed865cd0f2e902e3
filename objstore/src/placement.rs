//! Placement by rendezvous (highest-random-weight) hashing: each key's owners are the `R` members
//! with the highest `hash(key, member)`. Pure. A membership change moves only the keys whose top
//! `R` changed — about `R/N` of them — and every node computes the same owners without talking.

use std::net::SocketAddr;

use xxhash_rust::xxh3::xxh3_64_with_seed;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    pub id: u64,
    pub addr: SocketAddr,
}

/// The owners of `key`, best first; at most `replicas`, capped by the member count.
pub fn owners(members: &[Member], key: &[u8], replicas: usize) -> Vec<Member> {
    let mut scored: Vec<(u64, &Member)> = members
        .iter()
        .map(|m| (xxh3_64_with_seed(key, m.id), m))
        .collect();
    // Ties (astronomically rare) break by id so every node agrees.
    scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    scored
        .into_iter()
        .take(replicas)
        .map(|(_, m)| m.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(n: u64) -> Vec<Member> {
        (1..=n)
            .map(|id| Member {
                id,
                addr: format!("127.0.0.{id}:7400").parse().unwrap(),
            })
            .collect()
    }

    #[test]
    fn owners_are_distinct_capped_and_stable_under_reordering() {
        let three = members(3);
        let mut reversed = three.clone();
        reversed.reverse();
        for i in 0..200 {
            let key = format!("k{i}");
            let a = owners(&three, key.as_bytes(), 2);
            assert_eq!(a.len(), 2);
            assert_ne!(a[0].id, a[1].id);
            assert_eq!(a, owners(&reversed, key.as_bytes(), 2));
        }
        assert_eq!(owners(&members(1), b"k", 2).len(), 1);
    }

    #[test]
    fn adding_a_member_moves_about_r_over_n_of_the_keys() {
        let (before, after) = (members(3), members(4));
        let moved = (0..4000)
            .filter(|i| {
                let key = format!("key-{i}");
                let mut a: Vec<u64> = owners(&before, key.as_bytes(), 2)
                    .iter()
                    .map(|m| m.id)
                    .collect();
                let mut b: Vec<u64> = owners(&after, key.as_bytes(), 2)
                    .iter()
                    .map(|m| m.id)
                    .collect();
                a.sort();
                b.sort();
                a != b
            })
            .count();
        // The new member takes a replica of ~R/N = 1/2 of the keys; nothing else moves.
        assert!(
            (1600..2400).contains(&moved),
            "{moved} of 4000 keys changed owners"
        );
    }
}
