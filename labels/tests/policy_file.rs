//! The example policy loads and answers the obvious questions; malformed files give clear errors that
//! name the line.

use sl_labels::{Authority, Lattice, Policy, may_declassify, may_see, may_send};

const EXAMPLE: &str = include_str!("../../examples/photo-policy.toml");

fn example() -> Policy {
    Policy::from_toml("photo-policy.toml", EXAMPLE).expect("the shipped example loads")
}

#[test]
fn example_lattice_answers_the_obvious_questions() {
    let policy = example();
    let l = |text: &str| policy.parse_label(text).unwrap();
    assert_eq!(policy.levels().len(), 11);
    assert_eq!(
        policy.levels().name(policy.levels().bottom()),
        Some("bottom")
    );
    assert_eq!(policy.levels().name(policy.levels().top()), Some("top"));

    assert!(policy.flows(&l("public"), &l("photog1")));
    assert!(policy.flows(&l("photog1"), &l("owner")));
    assert!(policy.flows(&l("client1"), &l("client1CC")));
    assert!(policy.flows(&l("client1CC"), &l("ccCompany")));
    assert!(policy.flows(&l("bottom"), &l("top")));
    assert!(
        !policy.flows(&l("photog1"), &l("photog2")),
        "photographers are apart"
    );
    assert!(
        !policy.flows(&l("client1CC"), &l("owner")),
        "card data never reaches the owner"
    );
    assert!(!policy.flows(&l("client1"), &l("client2CC")));
    assert!(!policy.flows(&l("owner"), &l("public")));

    assert_eq!(policy.join(&l("photog1"), &l("photog2")), Some(l("owner")));
    assert_eq!(
        policy.join(&l("client1CC"), &l("client2CC")),
        Some(l("ccCompany"))
    );
    assert_eq!(policy.join(&l("owner"), &l("client1CC")), Some(l("top")));
    // Both owner and ccCompany sit above client1 and client2 (via the CC levels) and neither is below
    // the other: the example is a partial order, not a lattice, and join must say there is none.
    assert_eq!(policy.join(&l("client1"), &l("client2")), None);

    // Tags separate two principals at one level.
    let ann = policy.principal("ann").unwrap().label.clone();
    let ben = policy.principal("ben").unwrap().label.clone();
    assert!(!policy.flows(&ann, &ben) && !policy.flows(&ben, &ann));
    assert!(policy.flows(&ann, &l("owner{*}")));
    assert!(
        !policy.flows(&ann, &l("owner")),
        "owner without ann's tag may not read ann's drafts"
    );
}

#[test]
fn decisions_follow_the_rules() {
    let policy = example();
    let l = |text: &str| policy.parse_label(text).unwrap();
    assert!(may_send(&policy, &l("client1"), &l("client1CC")));
    assert!(!may_send(&policy, &l("client1CC"), &l("client1")));
    assert!(may_see(&policy, &l("owner"), &l("photog2")));
    assert!(!may_see(&policy, &l("photog2"), &l("owner")));

    let card_summary = Authority {
        from: l("client1CC"),
        to: l("client1"),
    };
    assert!(may_declassify(
        &policy,
        &card_summary,
        &l("client1CC"),
        &l("client1")
    ));
    assert!(
        may_declassify(&policy, &card_summary, &l("client1CC"), &l("owner")),
        "lower to client1, then up"
    );
    assert!(
        !may_declassify(&policy, &card_summary, &l("client1CC"), &l("public")),
        "never below `to`"
    );
    assert!(
        !may_declassify(&policy, &card_summary, &l("client2CC"), &l("client1")),
        "outside its trust"
    );
    assert!(
        may_declassify(&policy, &card_summary, &l("public"), &l("photog1")),
        "raising needs no authority"
    );
}

fn error_of(text: &str) -> String {
    Policy::from_toml("bad.toml", text)
        .expect_err("must be rejected")
        .to_string()
}

#[test]
fn a_cycle_is_rejected_naming_its_line() {
    let message =
        error_of("[lattice]\norder = [\n  \"bottom < a < top\",\n  \"a < b\",\n  \"b < a\",\n]\n");
    assert!(
        message.starts_with("bad.toml:4:") || message.starts_with("bad.toml:5:"),
        "{message}"
    );
    assert!(
        message.contains("cycle") && message.contains("a < b < a") || message.contains("b < a < b"),
        "{message}"
    );
}

#[test]
fn unknown_names_are_rejected_naming_their_line() {
    let message =
        error_of("[lattice]\nlevels = [\"low\", \"high\"]\norder = [\n  \"low < hihg\",\n]\n");
    assert!(
        message.starts_with("bad.toml:4:") && message.contains("unknown level `hihg`"),
        "{message}"
    );

    let message = error_of(
        "[lattice]\norder = [\"low < high\"]\n\n[[principal]]\nname = \"x\"\nlabel = \"middle\"\n",
    );
    assert!(
        message.starts_with("bad.toml:6:") && message.contains("unknown level `middle`"),
        "{message}"
    );
}

#[test]
fn other_malformed_files_give_clear_errors() {
    let cases = [
        (
            "[lattice]\norder = [\"a < b\", \"c < b\"]\n",
            "no single bottom",
        ),
        (
            "[lattice]\norder = [\"a < b\", \"a < c\"]\n",
            "no single top",
        ),
        ("[lattice]\norder = [\"a < a\"]\n", "above itself"),
        ("[lattice]\norder = [\"a < \"]\n", "may not be empty"),
        ("[lattice]\norder = [\"a <b c\"]\n", "contains ` `"),
        (
            "[lattice]\norder = [\"a < b\"]\nsecret = 1\n",
            "unknown field",
        ),
        (
            "[[principal]]\nname = \"x\"\nlabel = \"{t}\"\n[[principal]]\nname = \"x\"\nlabel = \"{t}\"\n",
            "declared twice",
        ),
        (
            "[[principal]]\nname = \"x\"\nlabel = \"{t\"\n",
            "must end with `}`",
        ),
        ("[lattice\n", "bad.toml"),
        ("[[principal]]\nname = \"x\"\n", "missing field `label`"),
    ];
    for (text, expected) in cases {
        let message = error_of(text);
        assert!(
            message.contains(expected),
            "for {text:?}: got {message:?}, wanted {expected:?}"
        );
        assert!(
            message.starts_with("bad.toml"),
            "errors name the file: {message}"
        );
    }
}
