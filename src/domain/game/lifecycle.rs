//! The life of a game around play: creating the lobby (or starting a Two Player game at once),
//! teams joining and leaving, the creator starting it with enough teams, and cancelling.
use chrono::Duration;

use super::commands::{GameCommand, TeamSnapshot};
use super::decision::Decision;
use super::errors::GameError;
use super::events::GameEvent;
use super::modes;
use super::options::{GameOptions, Mode};
use super::state::Phase;
use crate::domain::UserId;

/// Opens the game. The creator's team, when given, joins the lobby it opens.
///
/// Two Player has no lobby: it needs the creator's team and starts at once.
pub(super) fn create(d: &mut Decision<'_>, command: &GameCommand) -> Result<(), GameError> {
    let GameCommand::CreateGame {
        game_id,
        guild,
        channel,
        creator,
        options,
        creator_team,
        forbidden_list_size,
        timeouts,
    } = command
    else {
        return Ok(());
    };
    if d.state().phase() != Phase::NotCreated {
        return Err(GameError::GameAlreadyExists);
    }
    if let Some(team) = creator_team {
        check_two_players(team)?;
    }
    let two_player = options.mode() == Mode::TwoPlayer;
    if two_player && creator_team.is_none() {
        return Err(GameError::TeamRequired);
    }
    d.emit(GameEvent::GameCreated {
        game_id: *game_id,
        guild: *guild,
        channel: *channel,
        creator: *creator,
        options: *options,
        forbidden_list_size: *forbidden_list_size,
        created_at: d.now,
        timeouts: *timeouts,
    });
    if let Some(team) = creator_team {
        d.emit(GameEvent::TeamJoined { team: team.clone() });
    }
    if two_player {
        begin(d)?;
    }
    Ok(())
}

fn check_two_players(team: &TeamSnapshot) -> Result<(), GameError> {
    if team.players[0] == team.players[1] {
        return Err(GameError::NotTwoPlayers);
    }
    Ok(())
}

fn require_lobby(d: &Decision<'_>) -> Result<(), GameError> {
    if d.mode()? == Mode::TwoPlayer {
        return Err(GameError::NoLobby);
    }
    match d.state().phase() {
        Phase::Lobby => Ok(()),
        _ => Err(GameError::AlreadyStarted),
    }
}

/// A team joins the lobby: once, with players no other team in the game has, while there is room.
pub(super) fn join(d: &mut Decision<'_>, team: &TeamSnapshot) -> Result<(), GameError> {
    require_lobby(d)?;
    check_two_players(team)?;
    let teams = d.state().teams();
    if teams.iter().any(|t| t.team_id == team.team_id) {
        return Err(GameError::AlreadyJoined);
    }
    if teams.iter().any(|t| team.players.iter().any(|p| t.seat_of(*p).is_some())) {
        return Err(GameError::PlayerAlreadyInGame);
    }
    let max = d.mode()?.max_teams();
    if teams.len() >= max {
        return Err(GameError::LobbyFull { max });
    }
    d.emit(GameEvent::TeamJoined { team: team.clone() });
    Ok(())
}

/// The team of `player` leaves the lobby.
///
/// Decision (rules silent): the lobby stays open when the creator's own team leaves; the creator
/// can still start or cancel it.
pub(super) fn leave(d: &mut Decision<'_>, player: UserId) -> Result<(), GameError> {
    require_lobby(d)?;
    let team_id = d.state().team_of(player).ok_or(GameError::TeamNotInLobby)?.team_id;
    d.emit(GameEvent::TeamLeft { team_id, by: player });
    Ok(())
}

/// The creator starts the game once the lobby has the mode's minimum of teams.
pub(super) fn start(d: &mut Decision<'_>, by: UserId) -> Result<(), GameError> {
    require_lobby(d)?;
    if d.setup()?.creator != by {
        return Err(GameError::NotTheCreator);
    }
    let mode = d.mode()?;
    let joined = d.state().teams().len();
    if joined < mode.min_teams() {
        return Err(GameError::TooFewTeams { mode, min: mode.min_teams(), joined });
    }
    begin(d)
}

/// Records the start and opens play the way the mode does.
fn begin(d: &mut Decision<'_>) -> Result<(), GameError> {
    let clock_ends_at = match d.options()? {
        GameOptions::Race(o) | GameOptions::Golf(o) => {
            Some(d.now + Duration::seconds(i64::from(o.time_seconds.get())))
        }
        _ => None,
    };
    d.emit(GameEvent::GameStarted { started_at: d.now, clock_ends_at });
    modes::open_play(d)
}

/// Cancels the lobby or the game.
///
/// Decision (rules silent): in Two Player either player of the team may cancel, since the game is
/// theirs alone.
pub(super) fn cancel(
    d: &mut Decision<'_>,
    by: UserId,
    has_manage_guild: bool,
) -> Result<(), GameError> {
    let setup = d.setup()?;
    let own_two_player_game =
        setup.options.mode() == Mode::TwoPlayer && d.state().team_of(by).is_some();
    if setup.creator != by && !has_manage_guild && !own_two_player_game {
        return Err(GameError::NotAllowedToCancel);
    }
    d.emit(GameEvent::GameCancelled { by, cancelled_at: d.now });
    Ok(())
}
