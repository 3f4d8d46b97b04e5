use leptos::prelude::*;
use leptos_router::components::Outlet;

use super::{NavBar, NavLink, RoleGate};
use crate::domain::Role;

/// The frame of a role's area (`/admin/*`, `/client/*`): the gate, the navigation bar, then
/// the page the route picked.
#[component]
pub fn AreaLayout(role: Role, links: Vec<NavLink>) -> impl IntoView {
    view! {
        <RoleGate role=role>
            <NavBar links=links.clone() />
            <main class="page">
                <Outlet />
            </main>
        </RoleGate>
    }
}
