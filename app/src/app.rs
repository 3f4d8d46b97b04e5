//! The root component: the session provider and the routes.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::{
    components::{LanguageProvider, SessionTimeouts},
    pages::{
        account::{ProfilePage, SessionsPage},
        admin::{AdminDashboard, AdminLayout, AuditPage, UserDetailPage, UsersPage},
        client::{ClientDashboard, ClientLayout},
        home::Home,
        not_found::NotFound,
        recovery::{ConfirmEmailPage, ForgotPasswordPage, InvitePage, ResetPasswordPage},
        signin::SignInPage,
    },
    session::SessionProvider,
};

/// The whole single-page app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <SessionProvider>
            <LanguageProvider>
                <Router>
                    <div class="app" data-testid="app-root">
                        <Routes fallback=NotFound>
                            <Route path=path!("/") view=Home />
                            <Route path=path!("/auth/signin") view=SignInPage />
                            <Route path=path!("/auth/forgot") view=ForgotPasswordPage />
                            <Route path=path!("/auth/reset") view=ResetPasswordPage />
                            <Route path=path!("/auth/invite") view=InvitePage />
                            <Route path=path!("/auth/confirm-email") view=ConfirmEmailPage />
                            <ParentRoute path=path!("/admin") view=AdminLayout>
                                <Route path=path!("") view=AdminDashboard />
                                <Route path=path!("users") view=UsersPage />
                                <Route path=path!("users/:id") view=UserDetailPage />
                                <Route path=path!("audit") view=AuditPage />
                                <Route path=path!("sessions") view=SessionsPage />
                                <Route path=path!("profile") view=ProfilePage />
                            </ParentRoute>
                            <ParentRoute path=path!("/client") view=ClientLayout>
                                <Route path=path!("") view=ClientDashboard />
                                <Route path=path!("sessions") view=SessionsPage />
                                <Route path=path!("profile") view=ProfilePage />
                            </ParentRoute>
                        </Routes>
                        <SessionTimeouts />
                    </div>
                </Router>
            </LanguageProvider>
        </SessionProvider>
    }
}
