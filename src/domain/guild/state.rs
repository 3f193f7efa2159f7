//! The Guild aggregate's state and rules: settings, the team name registry and the channel
//! lobbies.
//!
//! Invariants the runtime coordinates across streams (this aggregate cannot see them):
//! - Unique team names: the runtime reserves a chosen name here before it invites with it or
//!   renames a team (so a taken name is refused before the team changes), and releases it when
//!   the invitation expires or the team is disbanded; if the team then refuses the rename, the
//!   runtime reserves the old name back. Default names (`<a> & <b>`) are never reserved: no
//!   chosen name can contain `&`, so they cannot clash with chosen ones.
//! - One game per channel: the runtime opens the channel here before the game stream is created
//!   and closes it when the game ends or is cancelled.
//! - The forbidden list size is read from this state by the runtime and passed into each
//!   player's `RecordAnswers`.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{GuildCommand, GuildError, GuildEvent, Prefix};
use crate::domain::player::ForbiddenListSize;
use crate::domain::team::TeamName;
use crate::domain::{Aggregate, ChannelId, Ctx, GameId, TeamId};

/// One Discord server's settings, team names and channel games.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Guild {
    prefix: Prefix,
    forbidden_list_size: ForbiddenListSize,
    team_names: BTreeMap<TeamId, TeamName>,
    channel_games: BTreeMap<ChannelId, GameId>,
}

impl Guild {
    /// The command prefix.
    pub fn prefix(&self) -> &Prefix {
        &self.prefix
    }

    /// The forbidden list size for players of this guild.
    pub fn forbidden_list_size(&self) -> ForbiddenListSize {
        self.forbidden_list_size
    }

    /// The chosen name a team holds, if any.
    pub fn team_name(&self, team: TeamId) -> Option<&TeamName> {
        self.team_names.get(&team)
    }

    /// The team holding a name, compared on [`TeamName::key_of`] (for `wmstats team <name>`).
    pub fn team_named(&self, name: &str) -> Option<TeamId> {
        let key = TeamName::key_of(name);
        self.team_names.iter().find(|(_, held)| held.key() == key).map(|(team, _)| *team)
    }

    /// The open lobby or running game of a channel, if any.
    pub fn channel_game(&self, channel: ChannelId) -> Option<GameId> {
        self.channel_games.get(&channel).copied()
    }

    fn reserve(&self, team: TeamId, name: &TeamName) -> Result<Vec<GuildEvent>, GuildError> {
        let key = name.key();
        let taken =
            self.team_names.iter().any(|(holder, held)| *holder != team && held.key() == key);
        if taken {
            return Err(GuildError::NameTaken(name.to_string()));
        }
        let current = self.team_names.get(&team);
        if current == Some(name) {
            return Ok(Vec::new());
        }
        Ok(vec![GuildEvent::TeamNameReserved {
            team,
            name: name.clone(),
            released: current.cloned(),
        }])
    }

    fn release(&self, team: TeamId) -> Vec<GuildEvent> {
        match self.team_names.get(&team) {
            Some(name) => vec![GuildEvent::TeamNameReleased { team, name: name.clone() }],
            None => Vec::new(),
        }
    }

    fn open(&self, channel: ChannelId, game: GameId) -> Result<Vec<GuildEvent>, GuildError> {
        match self.channel_games.get(&channel) {
            Some(open) if *open == game => Ok(Vec::new()),
            Some(open) => Err(GuildError::ChannelBusy(*open)),
            None => Ok(vec![GuildEvent::ChannelGameOpened { channel, game }]),
        }
    }

    fn close(&self, channel: ChannelId, game: GameId) -> Vec<GuildEvent> {
        if self.channel_games.get(&channel) == Some(&game) {
            vec![GuildEvent::ChannelGameClosed { channel, game }]
        } else {
            Vec::new()
        }
    }
}

impl Aggregate for Guild {
    type Command = GuildCommand;
    type Event = GuildEvent;
    type Error = GuildError;
    const KIND: &'static str = "guild";

    fn decide(
        &self,
        command: &GuildCommand,
        _ctx: &Ctx<'_>,
    ) -> Result<Vec<GuildEvent>, GuildError> {
        match command {
            GuildCommand::ChangePrefix { by, has_manage_guild, prefix } => {
                if !has_manage_guild {
                    return Err(GuildError::MissingManageServer);
                }
                if *prefix == self.prefix {
                    return Ok(Vec::new());
                }
                Ok(vec![GuildEvent::PrefixChanged {
                    by: *by,
                    old: self.prefix.clone(),
                    new: prefix.clone(),
                }])
            }
            GuildCommand::ChangeForbiddenListSize { by, has_manage_guild, size } => {
                if !has_manage_guild {
                    return Err(GuildError::MissingManageServer);
                }
                if *size == self.forbidden_list_size {
                    return Ok(Vec::new());
                }
                Ok(vec![GuildEvent::ForbiddenListSizeChanged {
                    by: *by,
                    old: self.forbidden_list_size,
                    new: *size,
                }])
            }
            GuildCommand::ReserveTeamName { team, name } => self.reserve(*team, name),
            GuildCommand::ReleaseTeamName { team } => Ok(self.release(*team)),
            GuildCommand::OpenChannelGame { channel, game } => self.open(*channel, *game),
            GuildCommand::CloseChannelGame { channel, game } => Ok(self.close(*channel, *game)),
        }
    }

    fn apply(&mut self, event: &GuildEvent) {
        match event {
            GuildEvent::PrefixChanged { new, .. } => self.prefix = new.clone(),
            GuildEvent::ForbiddenListSizeChanged { new, .. } => self.forbidden_list_size = *new,
            GuildEvent::TeamNameReserved { team, name, .. } => {
                self.team_names.insert(*team, name.clone());
            }
            GuildEvent::TeamNameReleased { team, .. } => {
                self.team_names.remove(team);
            }
            GuildEvent::ChannelGameOpened { channel, game } => {
                self.channel_games.insert(*channel, *game);
            }
            GuildEvent::ChannelGameClosed { channel, .. } => {
                self.channel_games.remove(channel);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;
    use crate::domain::testing::{test_epoch, AggregateTest};
    use crate::domain::words::WordService;
    use crate::domain::{DomainEvent, UserId};

    type GuildTest = AggregateTest<Guild>;

    const ADMIN: UserId = UserId(1);
    const LOBBY: ChannelId = ChannelId(500);
    const OTHER_CHANNEL: ChannelId = ChannelId(501);

    fn team(n: u128) -> TeamId {
        TeamId(Uuid::from_u128(0x7e47_0000 + n))
    }

    fn game(n: u128) -> GameId {
        GameId(Uuid::from_u128(0x6a3e_0000 + n))
    }

    fn name(raw: &str) -> TeamName {
        TeamName::parse(raw).expect("a valid test name")
    }

    fn prefix(raw: &str) -> Prefix {
        Prefix::parse(raw).expect("a valid test prefix")
    }

    fn size(n: u64) -> ForbiddenListSize {
        ForbiddenListSize::new(n).expect("a valid size")
    }

    fn reserved(n: u128, raw: &str, released: Option<&str>) -> GuildEvent {
        GuildEvent::TeamNameReserved {
            team: team(n),
            name: name(raw),
            released: released.map(name),
        }
    }

    #[test]
    fn a_new_guild_has_the_default_settings() {
        let guild = Guild::default();
        assert_eq!(guild.prefix().as_str(), "wm");
        assert_eq!(guild.forbidden_list_size().get(), 12);
    }

    #[test]
    fn a_member_with_manage_server_changes_the_prefix() {
        GuildTest::given_no_previous_events()
            .when(GuildCommand::ChangePrefix {
                by: ADMIN,
                has_manage_guild: true,
                prefix: prefix("!"),
            })
            .then_expect_events(vec![GuildEvent::PrefixChanged {
                by: ADMIN,
                old: Prefix::default(),
                new: prefix("!"),
            }]);
    }

    #[test]
    fn changing_the_prefix_without_manage_server_is_refused() {
        GuildTest::given_no_previous_events()
            .when(GuildCommand::ChangePrefix {
                by: ADMIN,
                has_manage_guild: false,
                prefix: prefix("!"),
            })
            .then_expect_error(GuildError::MissingManageServer);
    }

    #[test]
    fn setting_the_current_prefix_again_changes_nothing() {
        GuildTest::given_no_previous_events()
            .when(GuildCommand::ChangePrefix {
                by: ADMIN,
                has_manage_guild: true,
                prefix: prefix("wm"),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn the_forbidden_list_size_is_a_manage_server_setting() {
        let change = |has_manage_guild| GuildCommand::ChangeForbiddenListSize {
            by: ADMIN,
            has_manage_guild,
            size: size(20),
        };
        GuildTest::given_no_previous_events()
            .when(change(false))
            .then_expect_error(GuildError::MissingManageServer);
        let state = GuildTest::given_no_previous_events().when(change(true)).state_after();
        assert_eq!(state.forbidden_list_size(), size(20));
    }

    #[test]
    fn a_free_name_is_reserved_for_the_team() {
        GuildTest::given_no_previous_events()
            .when(GuildCommand::ReserveTeamName { team: team(1), name: name("Word Nerds") })
            .then_expect_events(vec![reserved(1, "Word Nerds", None)]);
    }

    #[test]
    fn a_name_another_team_holds_is_taken_whatever_its_case() {
        for raw in ["Word Nerds", "word nerds", "WORD NERDS", "  word   Nerds "] {
            GuildTest::given([reserved(1, "Word Nerds", None)])
                .when(GuildCommand::ReserveTeamName { team: team(2), name: name(raw) })
                .then_expect_error(GuildError::NameTaken(name(raw).to_string()));
        }
    }

    #[test]
    fn a_name_typed_composed_or_decomposed_is_one_name_in_the_registry() {
        let composed = "Caf\u{e9} Crew";
        let decomposed = "Cafe\u{301} Crew";
        for (held, wanted) in [(composed, decomposed), (decomposed, composed)] {
            GuildTest::given([reserved(1, held, None)])
                .when(GuildCommand::ReserveTeamName { team: team(2), name: name(wanted) })
                .then_expect_error(GuildError::NameTaken(composed.to_owned()));
        }
        // A name stored decomposed before names were composed still blocks its composed twin.
        let old = GuildEvent::TeamNameReserved {
            team: team(1),
            name: serde_json::from_value(serde_json::json!(decomposed)).expect("stored text"),
            released: None,
        };
        GuildTest::given([old.clone()])
            .when(GuildCommand::ReserveTeamName { team: team(2), name: name(composed) })
            .then_expect_error(GuildError::NameTaken(composed.to_owned()));
        let given = GuildTest::given([old]);
        assert_eq!(given.state().team_named("CAF\u{c9} crew"), Some(team(1)));
    }

    #[test]
    fn renaming_frees_the_old_name() {
        GuildTest::given([reserved(1, "Word Nerds", None)])
            .when(GuildCommand::ReserveTeamName { team: team(1), name: name("Pun Intended") })
            .then_expect_events(vec![reserved(1, "Pun Intended", Some("Word Nerds"))]);
        GuildTest::given([
            reserved(1, "Word Nerds", None),
            reserved(1, "Pun Intended", Some("Word Nerds")),
        ])
        .when(GuildCommand::ReserveTeamName { team: team(2), name: name("word nerds") })
        .then_expect_events(vec![reserved(2, "word nerds", None)]);
    }

    #[test]
    fn a_team_may_change_the_case_of_its_own_name() {
        GuildTest::given([reserved(1, "Word Nerds", None)])
            .when(GuildCommand::ReserveTeamName { team: team(1), name: name("WORD NERDS") })
            .then_expect_events(vec![reserved(1, "WORD NERDS", Some("Word Nerds"))]);
        GuildTest::given([reserved(1, "Word Nerds", None)])
            .when(GuildCommand::ReserveTeamName { team: team(1), name: name("Word Nerds") })
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_disbanded_teams_name_is_freed() {
        GuildTest::given([reserved(1, "Word Nerds", None)])
            .when(GuildCommand::ReleaseTeamName { team: team(1) })
            .then_expect_events(vec![GuildEvent::TeamNameReleased {
                team: team(1),
                name: name("Word Nerds"),
            }]);
        let state = GuildTest::given([
            reserved(1, "Word Nerds", None),
            GuildEvent::TeamNameReleased { team: team(1), name: name("Word Nerds") },
        ])
        .when(GuildCommand::ReserveTeamName { team: team(2), name: name("WORD NERDS") })
        .state_after();
        assert_eq!(state.team_named("word nerds"), Some(team(2)));
    }

    #[test]
    fn releasing_a_team_without_a_name_changes_nothing() {
        GuildTest::given_no_previous_events()
            .when(GuildCommand::ReleaseTeamName { team: team(1) })
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_channel_holds_one_lobby_or_game_at_a_time() {
        let opened = GuildEvent::ChannelGameOpened { channel: LOBBY, game: game(1) };
        GuildTest::given_no_previous_events()
            .when(GuildCommand::OpenChannelGame { channel: LOBBY, game: game(1) })
            .then_expect_events(vec![opened.clone()]);
        GuildTest::given([opened.clone()])
            .when(GuildCommand::OpenChannelGame { channel: LOBBY, game: game(2) })
            .then_expect_error(GuildError::ChannelBusy(game(1)));
        GuildTest::given([opened.clone()])
            .when(GuildCommand::OpenChannelGame { channel: OTHER_CHANNEL, game: game(2) })
            .then_expect_events(vec![GuildEvent::ChannelGameOpened {
                channel: OTHER_CHANNEL,
                game: game(2),
            }]);
        GuildTest::given([opened])
            .when(GuildCommand::OpenChannelGame { channel: LOBBY, game: game(1) })
            .then_expect_events(vec![]);
    }

    #[test]
    fn closing_the_channels_game_frees_the_channel() {
        let opened = GuildEvent::ChannelGameOpened { channel: LOBBY, game: game(1) };
        let closed = GuildEvent::ChannelGameClosed { channel: LOBBY, game: game(1) };
        GuildTest::given([opened.clone()])
            .when(GuildCommand::CloseChannelGame { channel: LOBBY, game: game(1) })
            .then_expect_events(vec![closed.clone()]);
        GuildTest::given([opened, closed])
            .when(GuildCommand::OpenChannelGame { channel: LOBBY, game: game(2) })
            .then_expect_events(vec![GuildEvent::ChannelGameOpened {
                channel: LOBBY,
                game: game(2),
            }]);
    }

    #[test]
    fn closing_another_game_changes_nothing() {
        GuildTest::given([GuildEvent::ChannelGameOpened { channel: LOBBY, game: game(1) }])
            .when(GuildCommand::CloseChannelGame { channel: LOBBY, game: game(2) })
            .then_expect_events(vec![]);
    }

    #[test]
    fn the_errors_read_as_replies() {
        assert_eq!(
            GuildError::NameTaken("Word Nerds".to_owned()).to_string(),
            "the team name \"Word Nerds\" is already taken in this server"
        );
    }

    #[test]
    fn every_guild_event_has_a_stable_json_shape() {
        let events = [
            GuildEvent::PrefixChanged { by: ADMIN, old: Prefix::default(), new: prefix("!") },
            GuildEvent::ForbiddenListSizeChanged { by: ADMIN, old: size(12), new: size(20) },
            reserved(1, "Pun Intended", Some("Word Nerds")),
            GuildEvent::TeamNameReleased { team: team(1), name: name("Pun Intended") },
            GuildEvent::ChannelGameOpened { channel: LOBBY, game: game(1) },
            GuildEvent::ChannelGameClosed { channel: LOBBY, game: game(1) },
        ];
        for event in events {
            insta::assert_json_snapshot!(format!("guild_event_{}", event.event_type()), event);
        }
    }

    #[test]
    fn the_guild_state_survives_a_json_round_trip() {
        let state = GuildTest::given([
            GuildEvent::PrefixChanged { by: ADMIN, old: Prefix::default(), new: prefix("!") },
            reserved(1, "Word Nerds", None),
            GuildEvent::ChannelGameOpened { channel: LOBBY, game: game(1) },
        ])
        .state()
        .clone();
        let json = serde_json::to_string(&state).expect("state serializes");
        let back: Guild = serde_json::from_str(&json).expect("state deserializes");
        assert_eq!(back, state);
    }

    fn any_command() -> impl Strategy<Value = GuildCommand> {
        let names = prop::sample::select(vec!["Word Nerds", "word nerds", "Puns", "Rhymes"]);
        prop_oneof![
            (any::<bool>(), prop::sample::select(vec!["wm", "!", "gb"])).prop_map(
                |(has_manage_guild, raw)| GuildCommand::ChangePrefix {
                    by: ADMIN,
                    has_manage_guild,
                    prefix: prefix(raw),
                }
            ),
            (1u128..4, names).prop_map(|(t, raw)| GuildCommand::ReserveTeamName {
                team: team(t),
                name: name(raw),
            }),
            (1u128..4).prop_map(|t| GuildCommand::ReleaseTeamName { team: team(t) }),
            (500u64..502, 1u128..4).prop_map(|(c, g)| GuildCommand::OpenChannelGame {
                channel: ChannelId(c),
                game: game(g),
            }),
            (500u64..502, 1u128..4).prop_map(|(c, g)| GuildCommand::CloseChannelGame {
                channel: ChannelId(c),
                game: game(g),
            }),
        ]
    }

    proptest! {
        #[test]
        fn replaying_the_emitted_events_rebuilds_the_same_guild(
            commands in prop::collection::vec(any_command(), 1..50)
        ) {
            let ctx = Ctx { now: test_epoch(), seed: 0, words: WordService::embedded() };
            let mut state = Guild::default();
            let mut recorded = Vec::new();
            for command in commands {
                if let Ok(events) = state.decide(&command, &ctx) {
                    for event in events {
                        state.apply(&event);
                        recorded.push(event);
                    }
                }
                let mut keys: Vec<String> = state.team_names.values().map(TeamName::key).collect();
                let held = keys.len();
                keys.sort();
                keys.dedup();
                prop_assert_eq!(keys.len(), held, "two teams share a name");
            }
            let mut replayed = Guild::default();
            for event in &recorded {
                replayed.apply(event);
            }
            prop_assert_eq!(replayed, state);
        }
    }
}
