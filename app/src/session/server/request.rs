//! What the session layer reads from a request: the client's address and user agent.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::{HeaderMap, header::USER_AGENT, request::Parts};

use crate::{db::audit::Event, domain::Email};

/// The client as far as the audit log and the rate limits are concerned.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub addr: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    pub fn from_parts(parts: &Parts, trust_forwarded_for: bool) -> Self {
        let forwarded = trust_forwarded_for
            .then(|| last_forwarded_for(&parts.headers))
            .flatten();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        Self {
            addr: forwarded.or(peer),
            user_agent: parts
                .headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| crate::db::audit::truncate(ua, 512)),
        }
    }

    /// An audit event that happened on this client: to `user_id`, or to whoever typed `email`.
    pub fn event<'a>(
        &'a self,
        user_id: Option<i64>,
        email: Option<&'a Email>,
        detail: Option<&'a str>,
    ) -> Event<'a> {
        Event {
            user_id,
            attempted_email: email.map(AsRef::as_ref),
            client_addr: self.addr.as_deref(),
            user_agent: self.user_agent.as_deref(),
            detail,
        }
    }
}

/// The address the nearest proxy saw: the last entry, the one a client cannot forge.
fn last_forwarded_for(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|s| s.parse::<std::net::IpAddr>().is_ok())
        .map(str::to_owned)
}
