//! The root component: the session provider and the routes.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::{
    pages::{
        admin::{AdminDashboard, AdminLayout},
        client::{ClientDashboard, ClientLayout},
        home::Home,
        not_found::NotFound,
        signin::SignInPage,
    },
    session::SessionProvider,
};

/// The whole single-page app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <SessionProvider>
            <Router>
                <div class="app" data-testid="app-root">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=Home />
                        <Route path=path!("/auth/signin") view=SignInPage />
                        <ParentRoute path=path!("/admin") view=AdminLayout>
                            <Route path=path!("") view=AdminDashboard />
                        </ParentRoute>
                        <ParentRoute path=path!("/client") view=ClientLayout>
                            <Route path=path!("") view=ClientDashboard />
                        </ParentRoute>
                    </Routes>
                </div>
            </Router>
        </SessionProvider>
    }
}
