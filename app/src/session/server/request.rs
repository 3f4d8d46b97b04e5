//! What the session layer reads from a request: the client's address and user agent.

use std::{
    net::{IpAddr, SocketAddr},
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
};

use axum::extract::ConnectInfo;
use http::{HeaderMap, header::USER_AGENT, request::Parts};

use crate::{db::audit::Event, domain::Email};

/// Whom a request turned out to be for: put in the request's extensions by the server's edge
/// (`http::edge`), set where the session layer reads a live session, and read back for the access
/// line (which is written after the answer, outside the request's span).
#[derive(Debug, Clone, Default)]
pub struct SignedInUser(Arc<AtomicI64>);

impl SignedInUser {
    pub fn set(&self, user_id: i64) {
        self.0.store(user_id, Ordering::Relaxed);
    }

    /// The user id, when a live session was read (ids start at 1).
    pub fn get(&self) -> Option<i64> {
        let id = self.0.load(Ordering::Relaxed);
        (id != 0).then_some(id)
    }
}

/// The client as far as the audit log and the rate limits are concerned.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub addr: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// The client behind `proxy_hops` trusted proxies: the address the outermost one saw, which
    /// is that many entries from the right of `X-Forwarded-For` (each proxy appends the address
    /// it was reached from). With no proxies, or when that entry is missing or malformed, the
    /// peer's own address: an entry further left was written by the client and proves nothing.
    pub fn from_parts(parts: &Parts, proxy_hops: usize) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = (proxy_hops > 0)
            .then(|| forwarded_entry(&parts.headers, proxy_hops))
            .flatten();
        Self {
            addr: forwarded.or(peer).map(|ip| ip.to_string()),
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

/// The `hops`-th entry from the right of every `X-Forwarded-For` header taken together, if it
/// is an address.
fn forwarded_entry(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    // Split as bytes: one entry a client wrote with bytes that are not text must not make the
    // whole header unreadable (and hide the entry the proxy wrote after it).
    let entries: Vec<&[u8]> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .collect();
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    parse_entry(std::str::from_utf8(entry).ok()?.trim())
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = entry.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    let bracketed = entry.strip_prefix('[')?.strip_suffix(']')?;
    bracketed.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn takes_exactly_the_entry_of_the_outermost_trusted_proxy() {
        let h = headers(&["6.6.6.6, 203.0.113.7", "10.0.0.2"]);
        assert_eq!(forwarded_entry(&h, 1), "10.0.0.2".parse().ok());
        assert_eq!(forwarded_entry(&h, 2), "203.0.113.7".parse().ok());
        assert_eq!(forwarded_entry(&h, 3), "6.6.6.6".parse().ok());
        assert_eq!(forwarded_entry(&h, 4), None, "fewer entries than proxies");
    }

    #[test]
    fn ports_and_brackets_are_read_and_a_malformed_entry_is_not_skipped() {
        let h = headers(&["203.0.113.7:5555"]);
        assert_eq!(forwarded_entry(&h, 1), "203.0.113.7".parse().ok());
        let h = headers(&["[2001:db8::1]:443, 2001:db8::2, [2001:db8::3]"]);
        assert_eq!(forwarded_entry(&h, 3), "2001:db8::1".parse().ok());
        assert_eq!(forwarded_entry(&h, 2), "2001:db8::2".parse().ok());
        assert_eq!(forwarded_entry(&h, 1), "2001:db8::3".parse().ok());
        // The proxy's own entry is garbage: the one the client wrote further left is not used.
        let h = headers(&["203.0.113.7, not-an-address"]);
        assert_eq!(forwarded_entry(&h, 1), None);
        let h = headers(&["203.0.113.7, unknown"]);
        assert_eq!(forwarded_entry(&h, 1), None);
        // A client's entry that is not text does not hide the proxy's.
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            http::HeaderValue::from_bytes(b"\xc3\xa9, 203.0.113.8").unwrap(),
        );
        assert_eq!(forwarded_entry(&h, 1), "203.0.113.8".parse().ok());
    }
}
