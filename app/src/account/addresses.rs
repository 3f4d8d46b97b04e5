//! The staff lists' state in the address bar (`/admin/users?q=öztürk&sort=created&dir=desc`):
//! Back from a user's page, a reload and a copied link all come back to the same list, and the
//! dashboard's figures link into filtered lists. Only what differs from the default is written.

use leptos_router::params::ParamsMap;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{UserFilter, UserSort};
use crate::domain::{AuditKind, Role};

/// What a query value keeps as it is: RFC 3986's unreserved characters.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `path` with `pairs` as its query, each value percent-encoded; empty values left out.
fn href(path: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", utf8_percent_encode(value, ENCODED)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// A user list's state filter as the address bar and the state select say it.
pub fn state_word(active: Option<bool>) -> &'static str {
    match active {
        Some(true) => "active",
        Some(false) => "deactivated",
        None => "",
    }
}

/// `state_word`'s filter back; anything else is every account.
pub fn state_of(word: &str) -> Option<bool> {
    match word {
        "active" => Some(true),
        "deactivated" => Some(false),
        _ => None,
    }
}

pub fn users_href(filter: &UserFilter) -> String {
    href(
        "/admin/users",
        &[
            ("q", filter.query.clone()),
            ("role", filter.role.map(Role::as_str).unwrap_or("").into()),
            ("state", state_word(filter.active).into()),
            (
                "sort",
                Some(filter.sort)
                    .filter(|s| *s != UserSort::Name)
                    .map_or("", UserSort::as_str)
                    .into(),
            ),
            ("dir", if filter.descending { "desc" } else { "" }.into()),
            (
                "page",
                Some(filter.page)
                    .filter(|p| *p > 1)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
        ],
    )
}

/// The user list `users_href` wrote (what it cannot read is the default).
pub fn user_filter_of(query: &ParamsMap) -> UserFilter {
    UserFilter {
        query: query.get("q").unwrap_or_default(),
        role: query.get_str("role").and_then(Role::parse),
        active: query.get_str("state").and_then(state_of),
        page: query
            .get_str("page")
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1),
        sort: query
            .get_str("sort")
            .and_then(UserSort::parse)
            .unwrap_or_default(),
        descending: query.get_str("dir") == Some("desc"),
    }
}

/// The audit log's filters that live in the address bar; paging by cursor stays on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub user_id: Option<i64>,
    pub kind: Option<AuditKind>,
    /// Days, as the date inputs give them (`2026-11-30`), in the office's calendar.
    pub from: Option<String>,
    pub to: Option<String>,
}

pub fn audit_href(query: &AuditQuery) -> String {
    href(
        "/admin/audit",
        &[
            (
                "user",
                query.user_id.map(|id| id.to_string()).unwrap_or_default(),
            ),
            (
                "kind",
                query.kind.map(AuditKind::as_str).unwrap_or("").into(),
            ),
            ("from", query.from.clone().unwrap_or_default()),
            ("to", query.to.clone().unwrap_or_default()),
        ],
    )
}

pub fn audit_query_of(query: &ParamsMap) -> AuditQuery {
    let day = |key| query.get(key).filter(|d: &String| is_day(d));
    AuditQuery {
        user_id: query.get_str("user").and_then(|u| u.parse().ok()),
        kind: query
            .get_str("kind")
            .map(AuditKind::from_stored)
            .filter(|k| *k != AuditKind::Other),
        from: day("from"),
        to: day("to"),
    }
}

/// `YYYY-MM-DD`, as `<input type=date>` gives it.
pub fn is_day(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> ParamsMap {
        let mut map = ParamsMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            map.insert(key.to_owned(), value.to_owned());
        }
        map
    }

    #[test]
    fn a_user_list_goes_through_the_address_bar_and_back() {
        let filter = UserFilter {
            query: "Öztürk & co".into(),
            role: Some(Role::Client),
            active: Some(false),
            page: 3,
            sort: UserSort::LastSignIn,
            descending: true,
        };
        let href = users_href(&filter);
        assert_eq!(
            href,
            "/admin/users?q=%C3%96zt%C3%BCrk%20%26%20co&role=CLIENT&state=deactivated\
             &sort=last_sign_in&dir=desc&page=3"
        );
        let query = href.split_once('?').unwrap().1;
        assert_eq!(user_filter_of(&params(query)), filter);
        assert_eq!(
            users_href(&UserFilter::default().with_first_page()),
            "/admin/users"
        );
        // Nonsense is the default, not an error.
        let odd = user_filter_of(&params("page=0&sort=size&role=root&state=maybe"));
        assert_eq!(odd, UserFilter::default().with_first_page());
    }

    #[test]
    fn an_audit_filter_goes_through_the_address_bar_and_back() {
        let query = AuditQuery {
            user_id: Some(7),
            kind: Some(AuditKind::SignInFailed),
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
        };
        let href = audit_href(&query);
        assert_eq!(
            href,
            "/admin/audit?user=7&kind=sign_in_failed&from=2026-11-01&to=2026-11-30"
        );
        assert_eq!(
            audit_query_of(&params(href.split_once('?').unwrap().1)),
            query
        );
        assert_eq!(
            audit_query_of(&params("kind=nonsense&from=yesterday")),
            AuditQuery::default()
        );
    }

    impl UserFilter {
        fn with_first_page(mut self) -> Self {
            self.page = 1;
            self
        }
    }
}
