//! The staff area's frame: the gate, the navigation bar, then the page.

use leptos::prelude::*;

use crate::{
    components::{AreaLayout, NavLink},
    domain::Role,
};

/// The staff layout: the gate, the navigation bar, then the page.
#[component]
pub fn AdminLayout() -> impl IntoView {
    view! {
        <AreaLayout
            role=Role::Admin
            links=vec![
                NavLink {
                    href: "/admin",
                    label: "Dashboard",
                },
                NavLink {
                    href: "/admin/users",
                    label: "Users",
                },
                NavLink {
                    href: "/admin/audit",
                    label: "Audit log",
                },
                NavLink {
                    href: "/admin/sessions",
                    label: "Sessions",
                },
                NavLink {
                    href: "/admin/profile",
                    label: "Profile",
                },
            ]
        />
    }
}
