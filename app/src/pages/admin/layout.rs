//! The staff area's frame: the gate, the navigation bar, then the page.

use leptos::prelude::*;

use crate::{
    components::{AreaLayout, NavLink},
    domain::Role,
    i18n::td_string,
};

/// The staff layout: the gate, the navigation bar, then the page.
#[component]
pub fn AdminLayout() -> impl IntoView {
    provide_context(super::users::LastUserList(RwSignal::new(None)));
    view! {
        <AreaLayout
            role=Role::Admin
            links=vec![
                NavLink {
                    href: "/admin",
                    label: |l| td_string!(l, nav.dashboard),
                },
                NavLink {
                    href: "/admin/users",
                    label: |l| td_string!(l, nav.users),
                },
                NavLink {
                    href: "/admin/audit",
                    label: |l| td_string!(l, nav.audit),
                },
                NavLink {
                    href: "/admin/sessions",
                    label: |l| td_string!(l, nav.sessions),
                },
                NavLink {
                    href: "/admin/profile",
                    label: |l| td_string!(l, nav.profile),
                },
            ]
        />
    }
}
