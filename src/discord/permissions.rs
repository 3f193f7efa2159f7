//! Permission checks for prefix commands. A slash command's payload carries the member's
//! permissions; a guild message carries only the member's role ids. So the gateway keeps, per
//! guild, the owner and every role's permissions (from GUILD_CREATE and the role events, which
//! the GUILDS intent delivers), and computes a member's guild-wide permissions from them.
//!
//! Channel overwrites are not consulted: Manage Server, the only permission the bot checks, is
//! guild-wide and overwrites cannot grant or deny it.
use std::collections::HashMap;
use std::sync::Mutex;

use twilight_model::guild::{Permissions, Role};

use crate::domain::{GuildId, UserId};

/// What the cache knows of one guild.
#[derive(Clone, Debug, Default)]
struct GuildRoles {
    owner: Option<UserId>,
    /// Role id to its permissions; the `@everyone` role's id is the guild's id.
    roles: HashMap<u64, Permissions>,
}

/// The guilds' owners and role permissions, kept current from gateway events.
#[derive(Debug, Default)]
pub struct PermissionCache {
    guilds: Mutex<HashMap<GuildId, GuildRoles>>,
}

impl PermissionCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn with_guild<R>(&self, guild: GuildId, f: impl FnOnce(&mut GuildRoles) -> R) -> Option<R> {
        let mut guilds = self.guilds.lock().ok()?;
        Some(f(guilds.entry(guild).or_default()))
    }

    /// A guild became available (GUILD_CREATE) or changed (GUILD_UPDATE): its owner and roles.
    pub fn set_guild(&self, guild: GuildId, owner: UserId, roles: &[Role]) {
        self.with_guild(guild, |g| {
            g.owner = Some(owner);
            g.roles = roles.iter().map(|r| (r.id.get(), r.permissions)).collect();
        });
    }

    /// A guild's owner changed (GUILD_UPDATE carries the owner; roles come with their events).
    pub fn set_owner(&self, guild: GuildId, owner: UserId) {
        self.with_guild(guild, |g| g.owner = Some(owner));
    }

    /// A role was created or updated.
    pub fn upsert_role(&self, guild: GuildId, role: &Role) {
        self.with_guild(guild, |g| g.roles.insert(role.id.get(), role.permissions));
    }

    /// A role was deleted.
    pub fn remove_role(&self, guild: GuildId, role_id: u64) {
        self.with_guild(guild, |g| g.roles.remove(&role_id));
    }

    /// The bot left the guild, or it became unavailable.
    pub fn forget_guild(&self, guild: GuildId) {
        if let Ok(mut guilds) = self.guilds.lock() {
            guilds.remove(&guild);
        }
    }

    /// The guild-wide permissions of `user` holding `member_roles`; `None` while the guild's
    /// roles are unknown (before its GUILD_CREATE).
    pub fn member_permissions(
        &self,
        guild: GuildId,
        user: UserId,
        member_roles: &[u64],
    ) -> Option<Permissions> {
        let guilds = self.guilds.lock().ok()?;
        let known = guilds.get(&guild)?;
        let owner = known.owner?;
        if owner == user {
            return Some(Permissions::all());
        }
        let everyone = known.roles.get(&guild.0).copied().unwrap_or_else(Permissions::empty);
        let granted = member_roles
            .iter()
            .filter_map(|r| known.roles.get(r))
            .fold(everyone, |acc, p| acc | *p);
        if granted.contains(Permissions::ADMINISTRATOR) {
            return Some(Permissions::all());
        }
        Some(granted)
    }

    /// Whether `user` has Manage Server; `None` while the guild's roles are unknown.
    pub fn can_manage_guild(
        &self,
        guild: GuildId,
        user: UserId,
        member_roles: &[u64],
    ) -> Option<bool> {
        self.member_permissions(guild, user, member_roles)
            .map(|p| p.contains(Permissions::MANAGE_GUILD))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUILD: GuildId = GuildId(1 << 22);
    const OWNER: UserId = UserId(10);
    const MEMBER: UserId = UserId(11);
    const MANAGERS: u64 = (1 << 22) + 1;
    const ADMINS: u64 = (1 << 22) + 2;

    fn role(id: u64, permissions: Permissions) -> Role {
        serde_json::from_value(serde_json::json!({
            "id": id.to_string(), "name": "r", "color": 0, "hoist": false, "managed": false,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "mentionable": false, "permissions": permissions.bits().to_string(), "position": 0,
            "flags": 0,
        }))
        .expect("a valid role")
    }

    fn cache() -> PermissionCache {
        let cache = PermissionCache::new();
        cache.set_guild(
            GUILD,
            OWNER,
            &[
                role(GUILD.0, Permissions::SEND_MESSAGES | Permissions::VIEW_CHANNEL),
                role(MANAGERS, Permissions::MANAGE_GUILD),
                role(ADMINS, Permissions::ADMINISTRATOR),
            ],
        );
        cache
    }

    #[test]
    fn the_owner_has_manage_server_without_roles() {
        assert_eq!(cache().can_manage_guild(GUILD, OWNER, &[]), Some(true));
    }

    #[test]
    fn a_member_has_manage_server_only_through_a_role_that_grants_it() {
        let cache = cache();
        assert_eq!(cache.can_manage_guild(GUILD, MEMBER, &[]), Some(false));
        assert_eq!(cache.can_manage_guild(GUILD, MEMBER, &[MANAGERS]), Some(true));
        assert_eq!(cache.can_manage_guild(GUILD, MEMBER, &[ADMINS]), Some(true));
        assert_eq!(cache.can_manage_guild(GUILD, MEMBER, &[999]), Some(false));
    }

    #[test]
    fn role_changes_are_followed() {
        let cache = cache();
        cache.remove_role(GUILD, MANAGERS);
        assert_eq!(cache.can_manage_guild(GUILD, MEMBER, &[MANAGERS]), Some(false));
        cache.upsert_role(GUILD, &role(MANAGERS, Permissions::MANAGE_GUILD));
        assert_eq!(cache.can_manage_guild(GUILD, MEMBER, &[MANAGERS]), Some(true));
        cache.set_owner(GUILD, MEMBER);
        assert_eq!(cache.can_manage_guild(GUILD, MEMBER, &[]), Some(true));
    }

    #[test]
    fn an_unknown_guild_gives_no_answer() {
        let cache = cache();
        assert_eq!(cache.can_manage_guild(GuildId(5 << 22), MEMBER, &[]), None);
        cache.forget_guild(GUILD);
        assert_eq!(cache.can_manage_guild(GUILD, OWNER, &[]), None);
    }
}
