//! The end of a game: ONE channel message. First line contains `Game over`, second line is
//! `Winner: <team name>` (names joined by ` & ` for a shared win) or `No winner`, then the
//! ranking one team per line, best first, and last `Replay: <replay-name>`. A game that ended for
//! want of answers says so on the first line.
use super::message::{
    average, count, elimination_reason, spoken_duration, OutgoingMessage, DISCORD_MESSAGE_LIMIT,
};
use crate::domain::game::{EndReason, Mode, TeamStanding};
use crate::domain::TeamId;

/// What one team's ranking line says after its name, as fits the mode.
fn standing_detail(mode: Mode, s: &TeamStanding) -> String {
    let matches = count(s.matches as usize, "match", "matches");
    let avg = average(s.average_guesses);
    let per_match = if s.matches == 0 {
        matches.clone()
    } else {
        format!("{matches}, {avg} guesses per match")
    };
    let give_ups = if s.give_ups > 0 {
        format!(", {}", count(s.give_ups as usize, "give up", "give ups"))
    } else {
        String::new()
    };
    let out = s
        .eliminated
        .map(|e| format!("out in round {} ({})", e.round, elimination_reason(e.reason)));
    match mode {
        Mode::TwoPlayer => format!("{matches}, {avg} guesses per round"),
        Mode::Race => format!("{per_match}{give_ups}"),
        Mode::Golf => format!(
            "{} point{}, {per_match}{give_ups}",
            s.score,
            if s.score == 1 || s.score == -1 { "" } else { "s" }
        ),
        Mode::Knockout | Mode::Longform => match out {
            Some(out) => format!("{out}, {matches}"),
            None => format!("still standing, {matches}"),
        },
    }
}

/// The game-over message of a game played to its result (see [`game_over_with_reason`]).
pub fn game_over(
    mode: Mode,
    winners: &[TeamId],
    ranking: &[TeamStanding],
    replay_name: &str,
) -> OutgoingMessage {
    game_over_with_reason(mode, winners, ranking, EndReason::Played, replay_name)
}

/// The game-over message from the `GameEnded` facts (winners, ranking, why it ended), the mode
/// and the game's replay name.
///
/// It stays one message: if twelve long team names ever pushed it past Discord's limit, the
/// ranking's last lines give way to a count of the teams left out, never the marker lines.
pub fn game_over_with_reason(
    mode: Mode,
    winners: &[TeamId],
    ranking: &[TeamStanding],
    reason: EndReason,
    replay_name: &str,
) -> OutgoingMessage {
    let teams = count(ranking.len(), "team", "teams");
    let first = match reason {
        EndReason::Played => format!("**Game over!** {mode}, {teams}."),
        EndReason::Idle { idle_seconds } => format!(
            "**Game over!** {mode}, {teams}: no answers for {}, the game ends with no winner.",
            spoken_duration(idle_seconds)
        ),
    };
    let names: Vec<&str> = winners
        .iter()
        .filter_map(|w| ranking.iter().find(|s| s.team_id == *w).map(|s| s.name.as_str()))
        .collect();
    let second = if names.is_empty() {
        "No winner".to_owned()
    } else {
        format!("Winner: {}", names.join(" & "))
    };
    let last = format!("Replay: {replay_name}");
    let mut ranking_lines: Vec<String> = ranking
        .iter()
        .map(|s| format!("{}. **{}**: {}", s.rank, s.name, standing_detail(mode, s)))
        .collect();
    let fixed = first.chars().count() + second.chars().count() + last.chars().count() + 2;
    let size =
        |lines: &[String]| fixed + lines.iter().map(|l| l.chars().count() + 1).sum::<usize>();
    let total = ranking_lines.len();
    while size(&ranking_lines) > DISCORD_MESSAGE_LIMIT && !ranking_lines.is_empty() {
        ranking_lines.pop();
        let more =
            format!("... and {}", count(total - ranking_lines.len(), "more team", "more teams"));
        if size(&ranking_lines) + more.chars().count() < DISCORD_MESSAGE_LIMIT {
            ranking_lines.push(more);
            break;
        }
    }
    let mut lines = vec![first, second];
    lines.extend(ranking_lines);
    lines.push(last);
    OutgoingMessage::lines(lines)
}
