//! Typed ids. Discord snowflakes become these newtypes at the edge; game and team ids are UUIDs
//! minted by the runtime (the domain never generates them itself).
use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! snowflake {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

snowflake!(
    /// A Discord user (a player).
    UserId
);
snowflake!(
    /// A Discord guild (server).
    GuildId
);
snowflake!(
    /// A Discord channel.
    ChannelId
);
uuid_id!(
    /// One game of Word Match.
    GameId
);
uuid_id!(
    /// A team of two players in one guild.
    TeamId
);
