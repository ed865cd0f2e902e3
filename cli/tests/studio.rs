//! Trapeze's photographer studio end to end: `examples/studio/run.sh` brings up a cluster of real
//! `slnode` processes, deploys the studio's functions and declassifiers, and drives them over HTTP
//! with curl as each user; this test asserts what each user saw, and that no client ever sees
//! another client's photos or card data, whichever function they call.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{Value, json};

mod support;
use support::text;

#[test]
fn each_studio_user_sees_exactly_what_the_policy_allows() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/studio/run.sh");
    let out = Command::new("bash")
        .arg(script)
        .env("SLNODE", env!("CARGO_BIN_EXE_slnode"))
        .env("FIRST_IP", "127.0.43.11")
        .env("PORT", "7690")
        .env_remove("SLNODE_CONFIG")
        .env_remove("SLNODE_TOKEN")
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // (user, function) → (status, body)
    let mut views: BTreeMap<(String, String), (u16, Value)> = BTreeMap::new();
    for line in stdout.lines().filter(|l| l.starts_with("VIEW ")) {
        let mut parts = line.splitn(5, ' ');
        let (_, user, function, status, body) = (
            parts.next(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap_or(""),
        );
        views.insert(
            (user.to_owned(), function.to_owned()),
            (
                status.parse().unwrap(),
                serde_json::from_str(body).unwrap_or(Value::String(body.to_owned())),
            ),
        );
    }
    assert_eq!(views.len(), 24, "{stdout}");
    let view = |user: &str, f: &str| -> &(u16, Value) { &views[&(user.to_owned(), f.to_owned())] };
    let ok = |user: &str, f: &str| -> &Value {
        let (status, body) = view(user, f);
        assert_eq!(*status, 200, "{user} {f}: {body}");
        body
    };

    // Clients: their own bookings and photos, no card data (not even their own, once sent).
    assert_eq!(
        ok("dmitri", "bookings"),
        &json!([{"client": "dmitri", "date": "2027-01-10", "photographer": "carla"}])
    );
    assert_eq!(
        ok("dmitri", "my_photos"),
        &json!([{"by": "carla", "data": "pixels-of-dmitri", "name": "d1.jpg"}])
    );
    assert_eq!(ok("dmitri", "payments"), &json!({}));
    assert_eq!(ok("eve", "bookings").as_array().unwrap().len(), 2);
    assert_eq!(
        ok("eve", "my_photos"),
        &json!([{"by": "carla", "data": "pixels-of-eve", "name": "e1.jpg"}])
    );
    assert_eq!(ok("eve", "payments"), &json!({}));
    // The owner's dashboard: every booking; card data is not the owner's to see.
    assert_eq!(ok("studio", "bookings").as_array().unwrap().len(), 3);
    assert_eq!(ok("studio", "payments"), &json!({}));
    // The card company: both payments.
    assert_eq!(
        ok("visa", "payments"),
        &json!({
            "payment/dmitri": {"amount": 300, "card": "4111-dmitri"},
            "payment/eve": {"amount": 450, "card": "5500-eve"},
        })
    );
    // Photographers: no client's bookings, only the declassified counts.
    assert_eq!(ok("carla", "bookings"), &json!([]));
    assert_eq!(ok("carla", "counts"), &json!({"ann": 1, "carla": 2}));
    // A tagged photographer (photog1{ann}) gets them too: the declassifier's authority is
    // owner{ann,ben}.
    assert_eq!(ok("ann", "counts"), &json!({"ann": 1, "carla": 2}));
    assert_eq!(ok("studio", "counts"), &json!({"ann": 1, "carla": 2}));
    // No declassifier releases photos to a photographer: refused, not empty.
    assert_eq!(view("carla", "my_photos").0, 500);
    assert_eq!(view("ann", "my_photos").0, 500);

    // Whatever they call, a client never sees the other client's photos or card data.
    for (client, other) in [
        ("dmitri", ["5500", "pixels-of-eve", "e1.jpg"]),
        ("eve", ["4111", "pixels-of-dmitri", "d1.jpg"]),
    ] {
        for ((user, f), (_, body)) in &views {
            if user == client {
                let text = body.to_string();
                for secret in other {
                    assert!(
                        !text.contains(secret),
                        "{client} saw {secret} through {f}: {text}"
                    );
                }
            }
        }
    }
    // Card numbers reach nobody but the card company.
    for ((user, f), (_, body)) in &views {
        if user != "visa" {
            let text = body.to_string();
            assert!(
                !text.contains("4111") && !text.contains("5500"),
                "{user} {f}: {text}"
            );
        }
    }
}
