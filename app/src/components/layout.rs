use leptos::prelude::*;
use leptos_router::components::Outlet;

use super::{NavBar, NavLink, RecoveryCodesNotice, RoleGate, StepUpProvider};
use crate::domain::Role;

/// The frame of a role's area (`/admin/*`, `/client/*`): the gate, the navigation bar, then
/// the page the route picked, and the step-up dialog its pages ask through.
#[component]
pub fn AreaLayout(role: Role, links: Vec<NavLink>) -> impl IntoView {
    view! {
        <RoleGate role=role>
            <NavBar links=links.clone() />
            <StepUpProvider>
                <main class="page">
                    <RecoveryCodesNotice profile=role.profile() />
                    <Outlet />
                </main>
            </StepUpProvider>
        </RoleGate>
    }
}
