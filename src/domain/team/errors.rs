//! Why a team refused a command. Every variant is a rule the player broke or a state they did
//! not expect; the message is written to be shown after `Error:`.
//!
//! # Handling
//! All variants are user errors: reply with the `Display` text; never retry.

/// Why the Team aggregate refused a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    /// The inviter named themselves as the partner.
    #[error("you cannot invite yourself")]
    CannotInviteYourself,
    /// An invitation was sent on a stream that already has one (the runtime mints a fresh team
    /// id per invitation, so this means a duplicate id).
    #[error("this team already exists")]
    AlreadyExists,
    /// The team has no invitation (its stream is empty).
    #[error("there is no invitation to accept")]
    NoInvitation,
    /// Someone other than the invitee tried to accept.
    #[error("only the invited player can accept this invitation")]
    NotTheInvitee,
    /// The invitation's deadline has passed.
    #[error("the invitation has expired; ask your partner to invite you again")]
    InvitationExpired,
    /// The invitation was already accepted.
    #[error("this invitation was already accepted: you are in this team")]
    AlreadyFormed,
    /// The team exists only as an invitation so far.
    #[error("the team is not formed yet: the invitation has not been accepted")]
    NotFormed,
    /// Someone outside the team tried to rename it.
    #[error("only a member of the team can rename it")]
    NotAMember,
    /// The new name is exactly the current one.
    #[error("the team is already called \"{0}\"")]
    SameName(String),
    /// The team was disbanded and accepts nothing more.
    #[error("this team has been disbanded")]
    Disbanded,
}
