//! The Player aggregate's state and rules.
//!
//! Invariants the runtime coordinates across streams (this aggregate cannot see them):
//! - The forbidden list is fed by a process manager: for every resolved guess pair in a game it
//!   sends `RecordAnswers` with the resolving event's id and the guild's current list size; the
//!   game reads the lists when it judges answers.
//! - One active game per player: before a team enters a lobby or starts a game, the runtime
//!   claims the game on both players' streams (releasing the first claim if the second is
//!   refused), and releases it on both when the game ends or the team leaves.
//! - One team per guild: `TeamJoined` names the superseded team, which the runtime disbands.
//! - One pending invitation per inviter: `NoteInvitationSent` runs before the team stream is
//!   opened; the runtime clears it when that team forms or expires (or withdraws it when a
//!   later step fails).
use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    ForbiddenList, ForbiddenListSize, InvitationOutcome, PlayerCommand, PlayerError, PlayerEvent,
    Pushed, ResolvedPairId,
};
use crate::domain::words::Word;
use crate::domain::{Aggregate, Ctx, GameId, TeamId};

/// How many recently recorded pairs are remembered to spot a redelivery. A process manager only
/// redelivers what it had not checkpointed, a handful of events; the bound keeps the state from
/// growing with every game ever played.
pub const RECENT_PAIRS_KEPT: usize = 256;

/// An invitation the player sent that has not ended yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    /// The team it opens.
    pub team: TeamId,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

impl PendingInvitation {
    /// Whether it can still be accepted at `now` (the deadline itself is too late).
    pub fn is_open_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

/// One player in one guild.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Player {
    forbidden: ForbiddenList,
    recent_pairs: VecDeque<(GameId, ResolvedPairId)>,
    active_game: Option<GameId>,
    team: Option<TeamId>,
    pending_invitation: Option<PendingInvitation>,
}

impl Player {
    /// The forbidden list, persisting across games.
    pub fn forbidden(&self) -> &ForbiddenList {
        &self.forbidden
    }

    /// The game the player is in, if any.
    pub fn active_game(&self) -> Option<GameId> {
        self.active_game
    }

    /// The player's current team in this guild, if any.
    pub fn team(&self) -> Option<TeamId> {
        self.team
    }

    /// The invitation the player sent that has not been cleared (it may have expired by time).
    pub fn pending_invitation(&self) -> Option<PendingInvitation> {
        self.pending_invitation
    }

    fn record(
        &self,
        game: GameId,
        pair: ResolvedPairId,
        words: &[Word],
        list_size: ForbiddenListSize,
    ) -> Vec<PlayerEvent> {
        if self.recent_pairs.contains(&(game, pair)) {
            return Vec::new();
        }
        let mut list = self.forbidden.clone();
        let mut dropped = list.resize(list_size);
        let mut added = Vec::new();
        for word in words {
            if let Pushed::Added { dropped: fell_off } = list.push(word.clone()) {
                added.push(word.clone());
                dropped.extend(fell_off);
            }
        }
        vec![PlayerEvent::AnswersRecorded { game, pair, list_size, added, dropped }]
    }

    fn claim(&self, game: GameId) -> Result<Vec<PlayerEvent>, PlayerError> {
        match self.active_game {
            Some(active) if active == game => Ok(Vec::new()),
            Some(other) => Err(PlayerError::AlreadyInGame(other)),
            None => Ok(vec![PlayerEvent::ActiveGameClaimed { game }]),
        }
    }

    fn release(&self, game: GameId) -> Vec<PlayerEvent> {
        if self.active_game == Some(game) {
            vec![PlayerEvent::ActiveGameReleased { game }]
        } else {
            Vec::new()
        }
    }

    fn join(&self, team: TeamId) -> Vec<PlayerEvent> {
        if self.team == Some(team) {
            return Vec::new();
        }
        vec![PlayerEvent::TeamJoined { team, previous_team: self.team }]
    }

    fn leave(&self, team: TeamId) -> Vec<PlayerEvent> {
        if self.team == Some(team) {
            vec![PlayerEvent::TeamLeft { team }]
        } else {
            Vec::new()
        }
    }

    fn note_invitation(
        &self,
        team: TeamId,
        expires_at: DateTime<Utc>,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<PlayerEvent>, PlayerError> {
        match self.pending_invitation {
            Some(pending) if pending.team == team => Ok(Vec::new()),
            Some(pending) if pending.is_open_at(ctx.now) => Err(PlayerError::InvitationPending {
                team: pending.team,
                expires_at: pending.expires_at,
            }),
            pending => Ok(vec![PlayerEvent::InvitationSent {
                team,
                expires_at,
                replaced: pending.map(|expired| expired.team),
            }]),
        }
    }

    fn clear_invitation(&self, team: TeamId, outcome: InvitationOutcome) -> Vec<PlayerEvent> {
        match self.pending_invitation {
            Some(pending) if pending.team == team => {
                vec![PlayerEvent::PendingInvitationCleared { team, outcome }]
            }
            _ => Vec::new(),
        }
    }
}

impl Aggregate for Player {
    type Command = PlayerCommand;
    type Event = PlayerEvent;
    type Error = PlayerError;
    const KIND: &'static str = "player";

    fn decide(
        &self,
        command: &PlayerCommand,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<PlayerEvent>, PlayerError> {
        match command {
            PlayerCommand::RecordAnswers { game, pair, words, list_size } => {
                Ok(self.record(*game, *pair, words, *list_size))
            }
            PlayerCommand::ClaimActiveGame { game } => self.claim(*game),
            PlayerCommand::ReleaseActiveGame { game } => Ok(self.release(*game)),
            PlayerCommand::JoinTeam { team } => Ok(self.join(*team)),
            PlayerCommand::LeaveTeam { team } => Ok(self.leave(*team)),
            PlayerCommand::NoteInvitationSent { team, expires_at } => {
                self.note_invitation(*team, *expires_at, ctx)
            }
            PlayerCommand::ClearPendingInvitation { team, outcome } => {
                Ok(self.clear_invitation(*team, *outcome))
            }
        }
    }

    fn apply(&mut self, event: &PlayerEvent) {
        match event {
            PlayerEvent::AnswersRecorded { game, pair, list_size, added, .. } => {
                self.forbidden.resize(*list_size);
                for word in added {
                    self.forbidden.push(word.clone());
                }
                self.recent_pairs.push_back((*game, *pair));
                if self.recent_pairs.len() > RECENT_PAIRS_KEPT {
                    self.recent_pairs.pop_front();
                }
            }
            PlayerEvent::ActiveGameClaimed { game } => self.active_game = Some(*game),
            PlayerEvent::ActiveGameReleased { .. } => self.active_game = None,
            PlayerEvent::TeamJoined { team, .. } => self.team = Some(*team),
            PlayerEvent::TeamLeft { .. } => self.team = None,
            PlayerEvent::InvitationSent { team, expires_at, .. } => {
                self.pending_invitation =
                    Some(PendingInvitation { team: *team, expires_at: *expires_at });
            }
            PlayerEvent::PendingInvitationCleared { .. } => self.pending_invitation = None,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;
    use crate::domain::testing::{test_epoch, AggregateTest};
    use crate::domain::words::WordService;
    use crate::domain::DomainEvent;

    type PlayerTest = AggregateTest<Player>;

    fn game(n: u128) -> GameId {
        GameId(Uuid::from_u128(0x6a3e_0000 + n))
    }

    fn team(n: u128) -> TeamId {
        TeamId(Uuid::from_u128(0x7e47_0000 + n))
    }

    fn pair(n: u128) -> ResolvedPairId {
        ResolvedPairId(Uuid::from_u128(0xba1_0000 + n))
    }

    fn word(text: &str) -> Word {
        WordService::embedded().parse_answer(text).expect("a dictionary word")
    }

    fn words(texts: &[&str]) -> Vec<Word> {
        texts.iter().map(|text| word(text)).collect()
    }

    fn size(n: u64) -> ForbiddenListSize {
        ForbiddenListSize::new(n).expect("a valid size")
    }

    fn minutes(n: i64) -> DateTime<Utc> {
        test_epoch() + TimeDelta::minutes(n)
    }

    fn record(n: u128, texts: &[&str], list_size: u64) -> PlayerCommand {
        PlayerCommand::RecordAnswers {
            game: game(1),
            pair: pair(n),
            words: words(texts),
            list_size: size(list_size),
        }
    }

    fn recorded(n: u128, added: &[&str], dropped: &[&str], list_size: u64) -> PlayerEvent {
        PlayerEvent::AnswersRecorded {
            game: game(1),
            pair: pair(n),
            list_size: size(list_size),
            added: words(added),
            dropped: words(dropped),
        }
    }

    fn listed(player: &Player) -> Vec<&str> {
        player.forbidden().words().map(Word::as_str).collect()
    }

    #[test]
    fn recorded_answers_go_onto_the_forbidden_list() {
        PlayerTest::given_no_previous_events()
            .when(record(1, &["river", "bank"], 12))
            .then_expect_events(vec![recorded(1, &["river", "bank"], &[], 12)]);
    }

    #[test]
    fn an_answer_already_listed_is_not_added_again() {
        PlayerTest::given([recorded(1, &["river"], &[], 12)])
            .when(record(2, &["river", "river", "bank"], 12))
            .then_expect_events(vec![recorded(2, &["bank"], &[], 12)]);
    }

    #[test]
    fn a_full_list_drops_its_oldest_answers_first() {
        let state = PlayerTest::given([recorded(1, &["river", "bank", "money"], &[], 3)])
            .when(record(2, &["cat", "dog"], 3))
            .state_after();
        assert_eq!(listed(&state), ["money", "cat", "dog"]);
        PlayerTest::given([recorded(1, &["river", "bank", "money"], &[], 3)])
            .when(record(2, &["cat", "dog"], 3))
            .then_expect_events(vec![recorded(2, &["cat", "dog"], &["river", "bank"], 3)]);
    }

    #[test]
    fn a_smaller_guild_list_size_trims_the_list_on_the_next_record() {
        let state = PlayerTest::given([recorded(1, &["river", "bank", "money"], &[], 12)])
            .when(record(2, &["cat"], 2))
            .state_after();
        assert_eq!(listed(&state), ["money", "cat"]);
        assert_eq!(state.forbidden().size(), size(2));
    }

    #[test]
    fn the_list_persists_across_games() {
        let other_game = PlayerCommand::RecordAnswers {
            game: game(2),
            pair: pair(9),
            words: words(&["cat"]),
            list_size: size(12),
        };
        let state =
            PlayerTest::given([recorded(1, &["river"], &[], 12)]).when(other_game).state_after();
        assert_eq!(listed(&state), ["river", "cat"]);
    }

    #[test]
    fn a_redelivered_pair_records_nothing() {
        PlayerTest::given([recorded(1, &["river"], &[], 12)])
            .when(record(1, &["river", "bank"], 12))
            .then_expect_events(vec![]);
    }

    #[test]
    fn claiming_a_game_makes_it_the_active_game() {
        PlayerTest::given_no_previous_events()
            .when(PlayerCommand::ClaimActiveGame { game: game(1) })
            .then_expect_events(vec![PlayerEvent::ActiveGameClaimed { game: game(1) }]);
    }

    #[test]
    fn a_player_in_one_game_cannot_claim_another() {
        PlayerTest::given([PlayerEvent::ActiveGameClaimed { game: game(1) }])
            .when(PlayerCommand::ClaimActiveGame { game: game(2) })
            .then_expect_error(PlayerError::AlreadyInGame(game(1)));
    }

    #[test]
    fn claiming_the_active_game_again_changes_nothing() {
        PlayerTest::given([PlayerEvent::ActiveGameClaimed { game: game(1) }])
            .when(PlayerCommand::ClaimActiveGame { game: game(1) })
            .then_expect_events(vec![]);
    }

    #[test]
    fn releasing_the_active_game_frees_the_player() {
        let state = PlayerTest::given([PlayerEvent::ActiveGameClaimed { game: game(1) }])
            .when(PlayerCommand::ReleaseActiveGame { game: game(1) })
            .state_after();
        assert_eq!(state.active_game(), None);
        PlayerTest::given([
            PlayerEvent::ActiveGameClaimed { game: game(1) },
            PlayerEvent::ActiveGameReleased { game: game(1) },
        ])
        .when(PlayerCommand::ClaimActiveGame { game: game(2) })
        .then_expect_events(vec![PlayerEvent::ActiveGameClaimed { game: game(2) }]);
    }

    #[test]
    fn releasing_another_game_changes_nothing() {
        PlayerTest::given([PlayerEvent::ActiveGameClaimed { game: game(1) }])
            .when(PlayerCommand::ReleaseActiveGame { game: game(2) })
            .then_expect_events(vec![]);
        PlayerTest::given_no_previous_events()
            .when(PlayerCommand::ReleaseActiveGame { game: game(2) })
            .then_expect_events(vec![]);
    }

    #[test]
    fn joining_a_team_names_the_team_it_supersedes() {
        PlayerTest::given_no_previous_events()
            .when(PlayerCommand::JoinTeam { team: team(1) })
            .then_expect_events(vec![PlayerEvent::TeamJoined {
                team: team(1),
                previous_team: None,
            }]);
        PlayerTest::given([PlayerEvent::TeamJoined { team: team(1), previous_team: None }])
            .when(PlayerCommand::JoinTeam { team: team(2) })
            .then_expect_events(vec![PlayerEvent::TeamJoined {
                team: team(2),
                previous_team: Some(team(1)),
            }]);
    }

    #[test]
    fn joining_the_current_team_again_changes_nothing() {
        PlayerTest::given([PlayerEvent::TeamJoined { team: team(1), previous_team: None }])
            .when(PlayerCommand::JoinTeam { team: team(1) })
            .then_expect_events(vec![]);
    }

    #[test]
    fn leaving_only_leaves_the_current_team() {
        let given = || {
            PlayerTest::given([
                PlayerEvent::TeamJoined { team: team(1), previous_team: None },
                PlayerEvent::TeamJoined { team: team(2), previous_team: Some(team(1)) },
            ])
        };
        // The superseded team's disbanding reaches the member who already moved on: nothing.
        given().when(PlayerCommand::LeaveTeam { team: team(1) }).then_expect_events(vec![]);
        let state = given().when(PlayerCommand::LeaveTeam { team: team(2) }).state_after();
        assert_eq!(state.team(), None);
    }

    fn sent(n: u128, expires: i64, replaced: Option<TeamId>) -> PlayerEvent {
        PlayerEvent::InvitationSent { team: team(n), expires_at: minutes(expires), replaced }
    }

    #[test]
    fn a_sent_invitation_is_noted() {
        PlayerTest::given_no_previous_events()
            .when(PlayerCommand::NoteInvitationSent { team: team(1), expires_at: minutes(5) })
            .then_expect_events(vec![sent(1, 5, None)]);
    }

    #[test]
    fn a_second_invitation_while_one_is_pending_is_refused() {
        PlayerTest::given([sent(1, 5, None)])
            .at(minutes(4))
            .when(PlayerCommand::NoteInvitationSent { team: team(2), expires_at: minutes(9) })
            .then_expect_error(PlayerError::InvitationPending {
                team: team(1),
                expires_at: minutes(5),
            });
    }

    #[test]
    fn a_new_invitation_replaces_an_expired_one() {
        PlayerTest::given([sent(1, 5, None)])
            .at(minutes(5))
            .when(PlayerCommand::NoteInvitationSent { team: team(2), expires_at: minutes(10) })
            .then_expect_events(vec![sent(2, 10, Some(team(1)))]);
    }

    #[test]
    fn an_accepted_or_expired_invitation_is_cleared_and_frees_the_inviter() {
        for outcome in [InvitationOutcome::Accepted, InvitationOutcome::Expired] {
            let cleared = PlayerEvent::PendingInvitationCleared { team: team(1), outcome };
            PlayerTest::given([sent(1, 5, None)])
                .at(minutes(1))
                .when(PlayerCommand::ClearPendingInvitation { team: team(1), outcome })
                .then_expect_events(vec![cleared.clone()]);
            PlayerTest::given([sent(1, 5, None), cleared])
                .at(minutes(2))
                .when(PlayerCommand::NoteInvitationSent { team: team(2), expires_at: minutes(7) })
                .then_expect_events(vec![sent(2, 7, None)]);
        }
    }

    #[test]
    fn clearing_another_teams_invitation_changes_nothing() {
        PlayerTest::given([sent(2, 5, None)])
            .when(PlayerCommand::ClearPendingInvitation {
                team: team(1),
                outcome: InvitationOutcome::Expired,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn the_errors_read_as_replies() {
        assert_eq!(
            PlayerError::InvitationPending { team: team(1), expires_at: minutes(5) }.to_string(),
            "you already have a pending invitation; it expires at 2026-01-01 12:05:00 UTC"
        );
    }

    #[test]
    fn every_player_event_has_a_stable_json_shape() {
        let events = [
            recorded(2, &["cat", "dog"], &["river"], 3),
            PlayerEvent::ActiveGameClaimed { game: game(1) },
            PlayerEvent::ActiveGameReleased { game: game(1) },
            PlayerEvent::TeamJoined { team: team(2), previous_team: Some(team(1)) },
            PlayerEvent::TeamLeft { team: team(2) },
            sent(2, 10, Some(team(1))),
            PlayerEvent::PendingInvitationCleared {
                team: team(2),
                outcome: InvitationOutcome::Accepted,
            },
        ];
        for event in events {
            insta::assert_json_snapshot!(format!("player_event_{}", event.event_type()), event);
        }
    }

    #[test]
    fn the_player_state_survives_a_json_round_trip() {
        let state = PlayerTest::given([
            recorded(1, &["river", "bank"], &[], 12),
            PlayerEvent::ActiveGameClaimed { game: game(1) },
            PlayerEvent::TeamJoined { team: team(1), previous_team: None },
            sent(2, 5, None),
        ])
        .state()
        .clone();
        let json = serde_json::to_string(&state).expect("state serializes");
        let back: Player = serde_json::from_str(&json).expect("state deserializes");
        assert_eq!(back, state);
    }

    fn any_command() -> impl Strategy<Value = PlayerCommand> {
        let generation = WordService::embedded().generation_list().to_vec();
        prop_oneof![
            (1u128..3, 0u128..6, prop::sample::subsequence(generation, 0..4), 1u64..5).prop_map(
                |(g, p, texts, n)| PlayerCommand::RecordAnswers {
                    game: game(g),
                    pair: pair(p),
                    words: texts.iter().map(|text| word(text)).collect(),
                    list_size: size(n),
                }
            ),
            (1u128..3).prop_map(|g| PlayerCommand::ClaimActiveGame { game: game(g) }),
            (1u128..3).prop_map(|g| PlayerCommand::ReleaseActiveGame { game: game(g) }),
            (1u128..4).prop_map(|t| PlayerCommand::JoinTeam { team: team(t) }),
            (1u128..4).prop_map(|t| PlayerCommand::LeaveTeam { team: team(t) }),
            (1u128..4, 0i64..10).prop_map(|(t, m)| PlayerCommand::NoteInvitationSent {
                team: team(t),
                expires_at: minutes(m),
            }),
            (1u128..4).prop_map(|t| PlayerCommand::ClearPendingInvitation {
                team: team(t),
                outcome: InvitationOutcome::Expired,
            }),
        ]
    }

    proptest! {
        #[test]
        fn replaying_the_emitted_events_rebuilds_the_same_player(
            steps in prop::collection::vec((any_command(), 0i64..120), 1..60)
        ) {
            let words = WordService::embedded();
            let mut now = test_epoch();
            let mut state = Player::default();
            let mut recorded = Vec::new();
            for (command, seconds) in steps {
                now += TimeDelta::seconds(seconds);
                let ctx = Ctx { now, seed: 0, words };
                let before = state.active_game();
                match state.decide(&command, &ctx) {
                    Ok(events) => {
                        for event in events {
                            state.apply(&event);
                            recorded.push(event);
                        }
                    }
                    Err(PlayerError::AlreadyInGame(other)) => {
                        prop_assert_eq!(Some(other), before);
                    }
                    Err(PlayerError::InvitationPending { .. }) => {}
                }
                if let (PlayerCommand::ClaimActiveGame { .. }, Some(active)) = (&command, before) {
                    prop_assert_eq!(state.active_game(), Some(active), "a claim never replaces a game");
                }
                prop_assert!(state.forbidden().len() <= state.forbidden().size().get());
            }
            let mut replayed = Player::default();
            for event in &recorded {
                replayed.apply(event);
            }
            prop_assert_eq!(replayed, state);
        }
    }
}
