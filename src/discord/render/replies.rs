//! Replies to commands and notices that are not about play: errors (first line `Error:`), the
//! help text with the guild's prefix, invitations, team names, the prefix, and the notice that a
//! player's DMs are closed.
use std::fmt::Display;

use super::message::{mention, OutgoingMessage};
use crate::discord::commands::{usage, ReplayTarget, COMMANDS};
use crate::domain::guild::Prefix;
use crate::domain::team::INVITATION_TTL;
use crate::domain::UserId;

/// The reply to a refused command: the reason after `Error:` (the domain's or the parser's
/// `Display`, which already says what was wrong).
pub fn error_reply(error: &dyn Display) -> OutgoingMessage {
    OutgoingMessage::text(format!("Error: {error}"))
}

/// The reply to `help`: every command written with the guild's prefix, then what works in DMs.
pub fn help(prefix: &Prefix) -> OutgoingMessage {
    let p = prefix.as_str();
    let mut lines = vec![format!("**Word Match commands** (prefix `{p}`, no space after it)")];
    lines.extend(COMMANDS.iter().map(|c| format!("{}: {}", usage(p, c.name), c.summary)));
    lines.push(String::new());
    lines.push(
        "In a DM to me: one word answers your pair; `give up` skips the pair (Race, Golf Race) \
         or forfeits (Knockout); `status` shows your pair and guess count."
            .to_owned(),
    );
    lines.push(
        "Slash commands do the same: `/team`, `/play`, `/join`, `/start`, `/stats`, \
         `/leaderboard`, `/replay`, and `/guess` in DMs."
            .to_owned(),
    );
    OutgoingMessage::lines(lines)
}

/// The channel message addressed to an invited player.
pub fn invitation_sent(
    inviter: UserId,
    invitee: UserId,
    name: Option<&str>,
    prefix: &Prefix,
) -> OutgoingMessage {
    let team = name.map_or_else(|| "a team".to_owned(), |n| format!("the team **{n}**"));
    OutgoingMessage::text(format!(
        "{}, {} invites you to form {team}. Type `{prefix}ok` within {} minutes to accept.",
        mention(invitee),
        mention(inviter),
        INVITATION_TTL.num_minutes()
    ))
}

/// The invitee accepted: the team exists.
pub fn team_formed(members: [UserId; 2], name: &str) -> OutgoingMessage {
    OutgoingMessage::text(format!(
        "{} and {} are now the team **{name}**.",
        mention(members[0]),
        mention(members[1])
    ))
}

/// Nobody accepted in time.
pub fn invitation_expired(inviter: UserId, invitee: UserId) -> OutgoingMessage {
    OutgoingMessage::text(format!(
        "{}, your invitation to {} expired; invite again to try once more.",
        mention(inviter),
        mention(invitee)
    ))
}

/// A member renamed their team.
pub fn team_renamed(old_name: &str, new_name: &str) -> OutgoingMessage {
    OutgoingMessage::text(format!("The team **{old_name}** is now called **{new_name}**."))
}

/// The guild's prefix changed.
pub fn prefix_changed(new: &Prefix) -> OutgoingMessage {
    OutgoingMessage::text(format!("The command prefix is now `{new}`: try `{new}help`."))
}

/// Posted in the game's channel when a DM to `user` was refused (their DMs are closed).
pub fn dms_closed(user: UserId) -> OutgoingMessage {
    OutgoingMessage::text(format!(
        "{} I can't DM you: open your DMs for this server to play (Server menu, Privacy \
         Settings, Direct Messages).",
        mention(user)
    ))
}

/// The reply to `replay` naming no finished game. An error, unlike the empty cases: the player
/// named something that does not exist, most likely a typo.
pub fn replay_not_found(target: &ReplayTarget) -> OutgoingMessage {
    let what = match target {
        ReplayTarget::Name(name) => format!("no finished game has the replay name \"{name}\""),
        ReplayTarget::Game(id) => format!("no finished game has the id {id}"),
    };
    error_reply(&format!("{what}; `history` lists recent games"))
}

/// The reply to `stats team <name>` naming no team of the guild (an error, like a bad replay
/// name).
pub fn team_not_found(name: &str) -> OutgoingMessage {
    error_reply(&format!("no team in this server is called \"{name}\""))
}
