//! The loader as a library: `extends` and `--set` round trips (compared on the typed scenario),
//! cycles, `--set` errors, the printed resolved scenario, and a property test that mutated scenario
//! text never panics the loader.

use crossroads::scenario::schema::*;
use crossroads::scenario::{Param, load, load_str};
mod common;

use common::mutation::{apply, mutation};
use proptest::prelude::*;
use std::path::Path;

const FIXTURE: &str = "tests/fixtures/valid.ron";

fn fixture() -> String {
    std::fs::read_to_string(FIXTURE).unwrap()
}

fn base() -> Scenario {
    load(Path::new(FIXTURE), &[]).unwrap().scenario
}

fn actor<'a>(s: &'a mut Scenario, id: &str) -> &'a mut Actor {
    s.actors.iter_mut().find(|a| a.id == id).unwrap()
}

/// A temp dir holding the fixture as `base.ron` plus the given files.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("base.ron"), fixture()).unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    d
}

#[test]
fn extends_round_trip() {
    let d = dir_with(&[(
        "variant.ron",
        r#"(
            extends: "base.ron",
            run: (name: "variant", horizon: 36),
            dimensions: [(id: "trust")],
            actors: [(id: "bigpower", budget: 150, media_reach: [(country: "beta", reach: 0.1)])],
            countries: [(id: "beta", population: (size: 1000))],
            remove: ["events.vote"],
        )"#,
    )]);
    let r = load(&d.path().join("variant.ron"), &[]).unwrap();

    let mut want = base();
    want.extends = Some("base.ron".into());
    want.run.name = "variant".into();
    want.run.horizon = 36;
    want.dimensions.push(Dimension {
        id: "trust".into(),
        label: String::new(),
        description: String::new(),
    });
    let bp = actor(&mut want, "bigpower");
    bp.budget = Param::Fixed(150.0);
    bp.media_reach = vec![Reach {
        country: "beta".into(),
        reach: Param::Fixed(0.1),
        trust: Param::Fixed(0.5),
        trust_dimension: None,
        trust_slope: Param::Fixed(0.0),
    }];
    want.countries[1].population.size = 1000;
    want.events.retain(|e| e.id != "vote");
    assert_eq!(r.scenario, want);
    // The resolved tree is self-contained and reads back to the same scenario and hash.
    assert!(!r.to_ron().contains("extends"));
    let again = load_str("resolved.ron", &r.to_ron(), &[]).unwrap();
    assert_eq!(again.sha256, r.sha256);
    let mut s = again.scenario;
    s.extends = Some("base.ron".into());
    assert_eq!(s, r.scenario);
}

#[test]
fn extends_chain_and_errors_in_the_base_file() {
    let d = dir_with(&[
        (
            "mid.ron",
            r#"(extends: "base.ron", actors: [(id: "alpha_state", budget: 5)])"#,
        ),
        (
            "top.ron",
            r#"(extends: "mid.ron", actors: [(id: "beta_state", budget: 6)])"#,
        ),
    ]);
    let r = load(&d.path().join("top.ron"), &[]).unwrap();
    let mut want = base();
    want.extends = Some("mid.ron".into());
    actor(&mut want, "alpha_state").budget = Param::Fixed(5.0);
    actor(&mut want, "beta_state").budget = Param::Fixed(6.0);
    assert_eq!(r.scenario, want);

    // A problem inherited from the base is reported in the base file, at its place there.
    let bad = fixture().replacen("reach: 0.6", "reach: 1.6", 1);
    std::fs::write(d.path().join("base.ron"), &bad).unwrap();
    let e = load(&d.path().join("top.ron"), &[]).unwrap_err();
    let line = bad[..bad.find("1.6").unwrap()].matches('\n').count() as u32 + 1;
    assert_eq!(e.0.len(), 1, "{e}");
    assert!(e.0[0].file.ends_with("base.ron"), "{e}");
    assert_eq!(e.0[0].line, line, "{e}");
}

#[test]
fn extends_cycle_is_an_error() {
    let d = dir_with(&[
        ("a.ron", r#"(extends: "b.ron", format: 1)"#),
        ("b.ron", r#"(extends: "a.ron", format: 1)"#),
    ]);
    let e = load(&d.path().join("a.ron"), &[]).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("cycle"), "{msg}");
    assert!(
        msg.contains("a.ron -> ") && msg.contains("b.ron -> "),
        "{msg}"
    );
    // Located at the `extends` value of the file closing the cycle.
    assert_eq!((e.0[0].line, e.0[0].col), (1, 11), "{msg}");

    let e = load(&d.path().join("missing_base.ron"), &[]).unwrap_err();
    assert!(e.to_string().contains("no such file"));
    std::fs::write(d.path().join("c.ron"), r#"(extends: "nowhere.ron")"#).unwrap();
    let e = load(&d.path().join("c.ron"), &[]).unwrap_err();
    assert!(
        e.to_string().contains("cannot extend \"nowhere.ron\""),
        "{e}"
    );
}

#[test]
fn set_round_trip() {
    let r = load(
        Path::new(FIXTURE),
        &[
            "actors.bigpower.budget=150".into(),
            "countries.alpha.population.size=5000".into(),
            "actors.alpha_state.actions[1].cost=Uniform(5, 15)".into(),
            "actors.beta_state.risk_attitude=0.5".into(), // a field the file omits
            "events.incident.trigger[0]=0.05".into(),
        ],
    )
    .unwrap();
    let mut want = base();
    actor(&mut want, "bigpower").budget = Param::Fixed(150.0);
    want.countries[0].population.size = 5000;
    match &mut actor(&mut want, "alpha_state").actions[1] {
        ActionSpec::Invest(i) => i.cost = Param::Dist(Dist::Uniform(5.0, 15.0)),
        other => panic!("{other:?}"),
    }
    actor(&mut want, "beta_state").risk_attitude = Param::Fixed(0.5);
    want.events[1].trigger = Trigger::Hazard(Param::Fixed(0.05));
    assert_eq!(r.scenario, want);
    let paths: Vec<String> = r.uncertain().into_iter().map(|u| u.path).collect();
    assert!(paths.contains(&"actors.alpha_state.actions[1].cost".to_string()));
}

#[test]
fn set_errors() {
    let e = load(Path::new(FIXTURE), &["actors.rusia.budget=150".into()]).unwrap_err();
    assert_eq!(e.0.len(), 1, "{e}");
    assert_eq!(e.0[0].file, "--set actors.rusia.budget");
    assert!(
        e.0[0]
            .message
            .contains("unknown path `actors.rusia.budget`")
    );
    assert!(e.0[0].message.contains("bigpower"), "{e}");

    let e = load(Path::new(FIXTURE), &["run.horizon=\"long\"".into()]).unwrap_err();
    assert_eq!(e.0[0].file, "--set run.horizon", "{e}");
    assert!(
        e.0[0]
            .message
            .starts_with("expected a non-negative integer, found the string \"long\""),
        "{e}"
    );

    let e = load(Path::new(FIXTURE), &["actors.bigpower.budjet=1".into()]).unwrap_err();
    assert!(e.to_string().contains("unknown field `budjet`"), "{e}");
    assert!(
        e.to_string().starts_with("--set actors.bigpower.budjet: "),
        "{e}"
    );

    let e = load(Path::new(FIXTURE), &["run.horizon=(".into()]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("--set run.horizon: invalid value"),
        "{e}"
    );
    // Semantic problems of a set value are reported against the --set too.
    let e = load(Path::new(FIXTURE), &["run.horizon=0".into()]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "--set run.horizon: `horizon` must be at least 1 month, found 0"
    );
}

#[test]
fn printed_scenario_is_stable() {
    let r = load(Path::new(FIXTURE), &[]).unwrap();
    let again = load_str("x.ron", &r.to_ron(), &[]).unwrap();
    assert_eq!(again.scenario, r.scenario);
    assert_eq!(again.tree, r.tree);
    assert_eq!(again.to_ron(), r.to_ron());
    assert_eq!(again.sha256, r.sha256);
    assert_eq!(r.sha256.len(), 64);
    // Comments and layout do not change the hash; values do.
    let spaced = fixture().replace("    ", "  ");
    assert_eq!(load_str("y.ron", &spaced, &[]).unwrap().sha256, r.sha256);
    let other = load(Path::new(FIXTURE), &["run.seed=8".into()]).unwrap();
    assert_ne!(other.sha256, r.sha256);
}

#[test]
fn realise_replaces_every_distribution() {
    use rand::SeedableRng;
    let r = load(Path::new(FIXTURE), &[]).unwrap();
    let (s, drawn) = r
        .realise(&mut |p| rand_chacha::ChaCha8Rng::seed_from_u64(p.len() as u64))
        .unwrap();
    assert_eq!(drawn.len(), 5);
    assert!(
        matches!(actor(&mut s.clone(), "bigpower").budget, Param::Fixed(b) if (80.0..=120.0).contains(&b))
    );
    let (_, again) = r
        .realise(&mut |p| rand_chacha::ChaCha8Rng::seed_from_u64(p.len() as u64))
        .unwrap();
    assert_eq!(drawn, again);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutations_never_panic(muts in prop::collection::vec(mutation(), 1..4)) {
        let text = apply(&fixture(), &muts);
        // Ok or located errors; never a panic.
        if let Err(d) = load_str("m.ron", &text, &[]) {
            prop_assert!(!d.0.is_empty());
        }
    }

    #[test]
    fn set_values_never_panic(path in "[a-z_.\\[\\]0-9]{1,30}", value in ".{0,20}") {
        let _ = load_str("f.ron", &fixture(), &[format!("{path}={value}")]);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for depth in [100, 127, 128, 5000] {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(load_str("d.ron", &text, &[]).is_err());
        let text = format!(
            "(format: 1, run: {}1{})",
            "Some(".repeat(depth),
            ")".repeat(depth)
        );
        assert!(load_str("d.ron", &text, &[]).is_err());
    }
}
