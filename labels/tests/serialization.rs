//! Labels and faceted values cross the wire and land on disk with rkyv, and appear in config and
//! JSON with serde. Round trips preserve them; hostile bytes give an error, never a panic, and a
//! structurally valid but non-canonical label is caught by `check_label`.

use rkyv::rancor;
use sl_labels::{Faceted, Label, Lattice, Level, Policy, Tag, TagSet};

fn example() -> Policy {
    Policy::from_toml(
        "photo-policy.toml",
        include_str!("../../examples/photo-policy.toml"),
    )
    .unwrap()
}

#[test]
fn rkyv_round_trips_labels_and_faceted_values() {
    let policy = example();
    let ann = policy.principal("ann").unwrap().label.clone();
    let bytes = rkyv::to_bytes::<rancor::Error>(&ann).unwrap();
    let back: Label = rkyv::from_bytes::<Label, rancor::Error>(&bytes).unwrap();
    assert_eq!(back, ann);
    policy.check_label(&back).unwrap();

    let mut store: Faceted<Label, String> = Faceted::new();
    store.write(&policy, "draft".into(), ann.clone());
    store.write(
        &policy,
        "public".into(),
        policy.parse_label("public").unwrap(),
    );
    let bytes = rkyv::to_bytes::<rancor::Error>(&store).unwrap();
    let back: Faceted<Label, String> = rkyv::from_bytes::<_, rancor::Error>(&bytes).unwrap();
    assert_eq!(back, store);
    assert_eq!(
        back.read(&policy, &policy.top()),
        Some(&"public".to_string())
    );
}

#[test]
fn hostile_bytes_are_rejected_without_panic() {
    let policy = example();
    let label = policy.parse_label("owner{ann,ben}").unwrap();
    let good = rkyv::to_bytes::<rancor::Error>(&label).unwrap().to_vec();
    // Every single-byte corruption and every truncation either fails validation or decodes to a
    // label that `check_label` can judge; none may panic.
    for position in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = rkyv::util::AlignedVec::<16>::new();
            bad.extend_from_slice(&good);
            bad[position] ^= flip;
            if let Ok(decoded) = rkyv::from_bytes::<Label, rancor::Error>(&bad) {
                let _ = policy.check_label(&decoded);
                let _ = policy.flows(&decoded, &policy.top());
            }
        }
    }
    // A prefix can itself be a valid (different) archive, since rkyv puts the root last; what
    // matters is that decoding never panics and anything decoded is still checked.
    assert!(
        rkyv::from_bytes::<Label, rancor::Error>(&rkyv::util::AlignedVec::<16>::new()).is_err()
    );
    for length in 1..good.len() {
        let mut cut = rkyv::util::AlignedVec::<16>::new();
        cut.extend_from_slice(&good[..length]);
        if let Ok(decoded) = rkyv::from_bytes::<Label, rancor::Error>(&cut) {
            assert_ne!(
                decoded, label,
                "a strict prefix cannot hold the whole label"
            );
            let _ = policy.check_label(&decoded);
        }
    }
}

#[test]
fn non_canonical_labels_from_outside_are_caught() {
    let policy = example();
    let hostile = Label::new(Level(0), TagSet::Set(vec![Tag(1), Tag(0)]));
    let bytes = rkyv::to_bytes::<rancor::Error>(&hostile).unwrap();
    let decoded: Label = rkyv::from_bytes::<Label, rancor::Error>(&bytes).unwrap();
    assert!(policy.check_label(&decoded).is_err());
    let out_of_range = Label::at(Level(999));
    assert!(policy.check_label(&out_of_range).is_err());
    assert!(
        !policy.flows(&out_of_range, &policy.top()),
        "an unknown level flows nowhere"
    );
}

#[test]
fn serde_json_round_trips_and_canonicalises() {
    let policy = example();
    let label = policy.parse_label("owner{ben,ann}").unwrap();
    let json = serde_json::to_string(&label).unwrap();
    assert_eq!(json, r#"{"level":6,"tags":[0,1]}"#);
    let back: Label = serde_json::from_str(&json).unwrap();
    assert_eq!(back, label);
    let unsorted: Label = serde_json::from_str(r#"{"level":6,"tags":[1,0,1]}"#).unwrap();
    assert_eq!(unsorted, label);
    let top: Label = serde_json::from_str(r#"{"level":10,"tags":"all"}"#).unwrap();
    assert_eq!(top, policy.top());
}
