//! The browser's session API (`csr` only): `SessionProvider` at the root, `use_session()`
//! everywhere else.
//!
//! Components read the status and call `sign_in`, `sign_out`, `refresh` and `update`; none
//! calls the auth endpoints or touches storage itself. The server stays the authority: this
//! only mirrors what it says, and every protected server function checks for itself.

use leptos::{prelude::*, task::spawn_local};

use super::{SessionStatus, api, model::Session, tabs::TabEvent};
use crate::error::{ApiError, ErrorCode};

/// Why a tab is signed out, for the sign-in page to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOutReason {
    /// The person signed out (here or in another tab).
    SignedOut,
    /// The session ended on its own or was ended elsewhere: expiry, idle timeout, revocation.
    Ended,
}

/// The session as this tab knows it. Cheap to copy; get it with `use_session()`.
#[derive(Clone, Copy)]
pub struct SessionContext {
    status: RwSignal<SessionStatus>,
    reason: RwSignal<Option<SignedOutReason>>,
    /// Bumped whenever this tab's view of the session is overruled (sign-in, sign-out, expiry):
    /// a server answer that was in flight before the bump is dropped, so a response that left
    /// the server before a sign-out cannot bring the session back.
    generation: StoredValue<u64>,
    /// A sign-out the server has not confirmed yet (offline): retried before any refetch.
    pending_sign_out: StoredValue<bool>,
    broadcast: StoredValue<Option<Callback<TabEvent>>>,
}

/// The session API. Panics outside `SessionProvider`, which is a wiring bug, not a run-time state.
pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

impl SessionContext {
    fn new() -> Self {
        Self {
            status: RwSignal::new(SessionStatus::Loading),
            reason: RwSignal::new(None),
            generation: StoredValue::new(0),
            pending_sign_out: StoredValue::new(false),
            broadcast: StoredValue::new(None),
        }
    }

    /// `Loading`, `Authenticated(session)` or `Unauthenticated`.
    pub fn status(self) -> Signal<SessionStatus> {
        self.status.into()
    }

    /// The session, when there is one.
    pub fn session(self) -> Signal<Option<Session>> {
        let status = self.status;
        Signal::derive(move || status.with(|s| s.session().cloned()))
    }

    /// Why this tab is signed out, if it was signed in before.
    pub fn signed_out_reason(self) -> Signal<Option<SignedOutReason>> {
        self.reason.into()
    }

    /// Signs in; on success every other tab is told, and moves on too.
    pub async fn sign_in(self, email: String, password: String) -> Result<Session, ApiError> {
        self.bump();
        let session = api::sign_in(email, password).await?;
        // The person's latest explicit act: it wins over anything that happened meanwhile, and
        // a sign-out still waiting to reach the server is moot (this sign-in ended that session).
        self.bump();
        self.pending_sign_out.set_value(false);
        self.reason.set(None);
        self.apply(SessionStatus::Authenticated(session.clone()));
        self.tell_other_tabs(TabEvent::SignedIn);
        Ok(session)
    }

    /// Signs out here at once, tells every other tab, then ends the session on the server.
    pub async fn sign_out(self) {
        self.drop_session(SignedOutReason::SignedOut);
        self.tell_other_tabs(TabEvent::SignedOut);
        self.pending_sign_out.set_value(true);
        if api::sign_out().await.is_ok() {
            self.pending_sign_out.set_value(false);
        }
    }

    /// Asks the server for the session again (focus, online, interval, another tab).
    pub fn refresh(self) {
        spawn_local(self.fetch());
    }

    /// Refetches, and tells the other tabs to do the same (after a change to the user).
    pub fn update(self) {
        self.refresh();
        self.tell_other_tabs(TabEvent::Updated);
    }

    /// Makes a server function call and passes its result through; when the server says the
    /// session is gone (401), signs this tab out right after the caller has the answer.
    ///
    /// Only if this tab's session is still the one the call was made with: a 401 for a session
    /// that a sign-out and a new sign-in (here or in another tab) have replaced meanwhile says
    /// nothing about the new one. And not synchronously: the caller is usually a page's
    /// resource, and signing out takes that page down (its role gate swaps it out); done in the
    /// middle of the answer, the page's own queued effects would read the disposed resource.
    pub async fn call<T>(
        self,
        request: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let generation = self.generation.get_value();
        let result = request.await;
        if let Err(error) = &result
            && error.error == ErrorCode::Unauthenticated
        {
            set_timeout(
                move || {
                    let unchanged = self.generation.try_get_value() == Some(generation);
                    let signed_in = self
                        .status
                        .try_with_untracked(|s| matches!(s, SessionStatus::Authenticated(_)));
                    if unchanged && signed_in == Some(true) {
                        self.drop_session(SignedOutReason::Ended);
                    }
                },
                std::time::Duration::ZERO,
            );
        }
        result
    }

    async fn fetch(self) {
        if self.pending_sign_out.get_value() {
            if api::sign_out().await.is_err() {
                return;
            }
            self.pending_sign_out.set_value(false);
        }
        let generation = self.generation.get_value();
        let answer = api::get_session().await;
        if !self.is_current(generation) {
            return;
        }
        match answer {
            Ok(Some(session)) => {
                self.reason.set(None);
                self.apply(SessionStatus::Authenticated(session));
            }
            Ok(None) => {
                if self
                    .status
                    .with_untracked(|s| matches!(s, SessionStatus::Authenticated(_)))
                {
                    self.reason.set(Some(SignedOutReason::Ended));
                }
                self.apply(SessionStatus::Unauthenticated);
            }
            // Offline or the server is down: keep what we have, except a first load, which
            // must end somewhere.
            Err(_) => {
                if self.status.with_untracked(|s| *s == SessionStatus::Loading) {
                    self.apply(SessionStatus::Unauthenticated);
                }
            }
        }
    }

    fn drop_session(self, reason: SignedOutReason) {
        self.bump();
        self.reason.set(Some(reason));
        self.apply(SessionStatus::Unauthenticated);
    }

    fn on_other_tab(self, event: TabEvent) {
        match event {
            // Takes privileges away only: act at once, the server has already been told.
            TabEvent::SignedOut => self.drop_session(SignedOutReason::SignedOut),
            TabEvent::SignedIn => {
                // Another tab's sign-in replaced the session this tab may still owe a sign-out.
                self.pending_sign_out.set_value(false);
                self.refresh();
            }
            TabEvent::Updated => self.refresh(),
        }
    }

    /// Sets the status only when it changed, so equal refetches re-render nothing.
    fn apply(self, status: SessionStatus) {
        if self.status.with_untracked(|s| *s != status) {
            self.status.set(status);
        }
    }

    fn bump(self) -> u64 {
        self.generation.update_value(|g| *g += 1);
        self.generation.get_value()
    }

    fn is_current(self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    fn tell_other_tabs(self, event: TabEvent) {
        if let Some(post) = self.broadcast.get_value() {
            post.run(event);
        }
    }
}

/// Provides the session to everything inside it, and keeps it current: on start, when the
/// window regains focus or becomes visible, when the browser comes back online, every
/// `refetch_interval_secs`, and when another tab says so.
#[component]
pub fn SessionProvider(
    /// Seconds between background refetches; 0 turns them off.
    #[prop(default = 60)]
    refetch_interval_secs: u32,
    children: Children,
) -> impl IntoView {
    let session = SessionContext::new();
    provide_context(session);
    watch(session, refetch_interval_secs);
    children()
}

fn watch(session: SessionContext, refetch_interval_secs: u32) {
    use std::time::Duration;

    let channel = super::tabs::TabChannel::open(move |event| session.on_other_tab(event));
    // Local: the channel holds JS objects. Dropped (and closed) with the provider.
    let channel = StoredValue::new_local(channel);
    session
        .broadcast
        .set_value(Some(Callback::new(move |event| {
            channel.with_value(|c| c.post(event))
        })));

    session.refresh();
    let focus = window_event_listener(leptos::ev::focus, move |_| session.refresh());
    let online = window_event_listener(leptos::ev::online, move |_| session.refresh());
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if !document().hidden() {
            session.refresh();
        }
    });
    let interval = (refetch_interval_secs > 0)
        .then(|| {
            set_interval_with_handle(
                move || session.refresh(),
                Duration::from_secs(u64::from(refetch_interval_secs)),
            )
            .ok()
        })
        .flatten();
    on_cleanup(move || {
        focus.remove();
        online.remove();
        visible.remove();
        if let Some(interval) = interval {
            interval.clear();
        }
    });
}
