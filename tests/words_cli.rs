//! The `gamebot words` subcommands, run as a player's dispute would be settled from a shell: the
//! built binary prints the verdict and why, and exits 0 whatever the verdict.
use std::process::Command;

fn gamebot_words(args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_gamebot"))
        .arg("words")
        .args(args)
        .output()
        .expect("the gamebot binary runs");
    let stdout = String::from_utf8(output.stdout).expect("gamebot prints UTF-8");
    (stdout, output.status.code().expect("gamebot exits with a code"))
}

#[test]
fn colour_and_color_match_as_us_and_uk_spelling() {
    let (out, code) = gamebot_words(&["match", "colour", "color"]);
    assert_eq!(code, 0, "exit code for a match; output: {out}");
    assert!(out.starts_with("match:"), "expected a match, got: {out}");
    assert!(
        out.contains("\"color\"") && out.contains("US and UK spelling"),
        "the why is missing: {out}"
    );
}

#[test]
fn cat_and_car_do_not_match() {
    let (out, code) = gamebot_words(&["match", "cat", "car"]);
    assert_eq!(code, 0, "exit code for no match; output: {out}");
    assert!(out.starts_with("no match:"), "expected no match, got: {out}");
}

#[test]
fn an_irregular_plural_matches_whatever_the_case() {
    let (out, code) = gamebot_words(&["match", "Geese", "goose"]);
    assert_eq!(code, 0, "output: {out}");
    assert!(out.starts_with("match:") && out.contains("singular and plural"), "got: {out}");
}

#[test]
fn a_valid_word_is_reported_with_what_it_reads_as() {
    let (out, code) = gamebot_words(&["valid", "Colours"]);
    assert_eq!(code, 0, "output: {out}");
    assert!(out.starts_with("valid: \"colours\""), "got: {out}");
    assert!(out.contains("\"color\""), "the normal form is missing: {out}");
}

#[test]
fn an_invalid_word_is_reported_with_the_reason_and_exit_0() {
    let (out, code) = gamebot_words(&["valid", "xyzzyq"]);
    assert_eq!(code, 0, "output: {out}");
    assert_eq!(out.trim(), "invalid: \"xyzzyq\" is not in the dictionary");
}

#[test]
fn a_match_with_an_invalid_answer_says_which_one() {
    let (out, code) = gamebot_words(&["match", "cat", "c4t"]);
    assert_eq!(code, 0, "output: {out}");
    assert!(out.starts_with("no match: \"c4t\" is invalid"), "got: {out}");
}

#[test]
fn the_generation_list_is_printed_one_word_a_line() {
    let (out, code) = gamebot_words(&["generation"]);
    assert_eq!(code, 0, "exit code for the generation list");
    let printed: Vec<&str> = out.lines().collect();
    let list = gamebot::domain::words::WordService::embedded().generation_list();
    assert!(printed.len() >= 2_000, "only {} words printed", printed.len());
    assert_eq!(printed, list.iter().map(String::as_str).collect::<Vec<_>>(), "not the dealt list");
    let mut sorted = printed.clone();
    sorted.sort_unstable();
    assert_eq!(printed, sorted, "the list is printed in alphabetical order");
    assert!(printed.contains(&"canoe") && !printed.contains(&"tureen"), "familiar words only");
}
